"""Where a published dataset is found: its public addresses (:class:`PublicUrls`) and the
file names of its descriptions in ``dist/``. The descriptions name these addresses and the
server serves them, so both take them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

VOID_FILE = "void.ttl"
CATALOG_TURTLE_FILE = "catalog.ttl"
CATALOG_JSONLD_FILE = "catalog.jsonld"
SCHEMA_ORG_FILE = "dataset.schema.jsonld"


@dataclass(frozen=True)
class PublicUrls:
    """The public addresses of a dataset published under ``base`` (the project's base IRI).

    The server maps ``base`` to whatever host it runs on; the descriptions always name the
    canonical addresses.
    """

    base: str

    @property
    def landing_page(self) -> str:
        return self.base

    @property
    def sparql(self) -> str:
        return f"{self.base}sparql"

    @property
    def queries(self) -> str:
        return f"{self.base}queries"

    @property
    def openapi(self) -> str:
        return f"{self.base}openapi.json"

    @property
    def void(self) -> str:
        """The VoID document (``dist/void.ttl``), as RFC 5785 and the VoID note suggest."""
        return f"{self.base}.well-known/void"

    @property
    def catalog(self) -> str:
        """The DCAT catalogue: ``dist/catalog.ttl`` or ``dist/catalog.jsonld`` by negotiation."""
        return f"{self.base}catalog"

    @property
    def ldes(self) -> str:
        """The Linked Data Event Stream of the releases (``ldes:EventStream``)."""
        return f"{self.base}ldes"

    @property
    def ldes_view(self) -> str:
        """The stream's view: the root node, with a relation to each release's page."""
        return f"{self.base}ldes/view"

    @property
    def ldes_context(self) -> str:
        """The JSON-LD context of the stream's documents, served beside them."""
        return f"{self.base}ldes/context.jsonld"

    def ldes_page(self, release: int, page: int) -> str:
        """Page ``page`` (from 1) of the stream's members of release ``release``."""
        return f"{self.base}ldes/release/{release}/{page}"

    def dump(self, filename: str) -> str:
        """Where the file ``filename`` of ``dist/`` is downloaded."""
        return f"{self.base}dumps/{filename}"
