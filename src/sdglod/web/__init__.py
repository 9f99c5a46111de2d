"""The HTTP face of sdglod: a read-only SPARQL endpoint, canned queries and pages.

A thin shell over the library: the routes (:mod:`.app`) translate HTTP into calls of
:mod:`sdglod.queries`, :mod:`sdglod.results` and the query pool (:mod:`.executor`), and errors
into one JSON shape (:mod:`.errors`). Nothing is imported here, so that a query worker
(``python -m sdglod.web.worker``) starts without loading the web stack.
"""
