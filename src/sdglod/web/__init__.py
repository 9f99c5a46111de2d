"""The HTTP face of sdglod: a read-only SPARQL endpoint, canned queries and pages.

It takes the current build (or a remote store, with ``serve --backend``) and gives the SPARQL
1.1 Protocol (:mod:`.endpoint`), the canned-query API and its OpenAPI document, resource pages
and dereferenceable IRIs (:mod:`.linked_data`, :mod:`.resources`, :mod:`.pages`), the
landing and browse pages (:mod:`.landing`), dumps and descriptions (:mod:`.downloads`) and a
static copy of the site (:mod:`.export`). A thin shell over the library: the routes (:mod:`.app`)
translate HTTP into calls of :mod:`sdglod.query`, the query runners (:mod:`.execution`) and
the caches of :mod:`.runtime`, and errors into one JSON shape (:mod:`.errors`). Nothing is
imported here, so that a query worker starts without loading the web stack.
"""
