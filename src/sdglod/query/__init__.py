"""Queries over a build: the stage data librarians use.

It takes SPARQL text, or a canned query (a ``queries/*.rq`` file read by :mod:`.catalogue`,
with typed parameters from :mod:`.canned`, whose values are checked against the data by
:mod:`.values`), and a backend — the build's embedded store
(:mod:`.embedded`) or a remote SPARQL 1.1 endpoint (:mod:`.remote`), chosen by
:mod:`.backends`. It gives typed results (:mod:`.results`: SELECT rows, an ASK answer, a
graph) in the W3C results formats or as tables for people, with labels (:mod:`.labels`).

Every query, from the CLI, the server's workers or a remote front end, runs through
:func:`~.execute.run_query`: updates are refused before any engine sees them, and a query that
does not parse is one error with its line and column. Nothing is imported here.
"""
