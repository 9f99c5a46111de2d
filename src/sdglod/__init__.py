"""sdglod: publish a validated knowledge graph about museums, libraries and the UN SDGs."""

from .version import __version__

__all__ = ["__version__"]
