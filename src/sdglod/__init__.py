"""sdglod: publish a validated knowledge graph about museums, libraries and the UN SDGs."""

__version__ = "0.1.0"
