"""Describe: the stage that tells the world what a build holds.

It takes the built store, its distinct triples and the dumps written, and gives the VoID
description (:mod:`.void`), the DCAT-AP catalogue record (:mod:`.dcat`), the schema.org
``Dataset`` for search engines (:mod:`.schema_org`), all written by
:func:`~.write.write_descriptions` from the facts read once (:mod:`.facts`), and the framed
JSON-LD dump of the events (:mod:`.framing`). Which events the data holds, and the time they
span, is read from the data (:mod:`.events`), never from the dataset's own description alone.
The public addresses they name are made in :mod:`.public_urls`, which the server uses too.

Modules of this package import its submodules, never the package itself.
"""

from __future__ import annotations

from .framing import FRAMED_DUMP, FRAMED_FILE, write_framed
from .public_urls import PublicUrls
from .write import write_descriptions

__all__ = ["FRAMED_DUMP", "FRAMED_FILE", "PublicUrls", "write_descriptions", "write_framed"]
