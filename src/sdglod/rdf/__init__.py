"""RDF in and out: the first stage, and the terms every later stage speaks.

It takes the project's Turtle files and gives :class:`~.sources.Sources` (quads in their named
graphs, with the file each came from and the prefixes declared), the embedded Oxigraph store
(:mod:`.store`, the only module that opens one), the one table of serialisations
(:mod:`.formats`), deterministic dumps (:mod:`.writer`) with compact JSON-LD (:mod:`.jsonld`),
short names for IRIs (:mod:`.names`) and the namespaces sdglod names terms in
(:mod:`.namespaces`). Nothing is imported here: a query worker loads only what it uses.
"""
