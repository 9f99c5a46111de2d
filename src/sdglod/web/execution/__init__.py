"""How the server runs queries so that none can starve the others.

It takes query jobs (:mod:`.jobs`: text, typed parameters, format, row limit) with a time
limit and gives answers: serialised results, or the error the client caused. Two runners share
one interface (:class:`~.jobs.QueryRunner`): a pool of worker processes that each hold the
build's store and are killed when a query outlives its limit (:mod:`.executor`,
:mod:`.worker`, framed over pipes by :mod:`.frames`), and a bounded pool of requests to a
remote store (:mod:`.remote_pool`). Lanes (:mod:`.lanes`) keep the server's own queries apart
from those of ``/sparql``, each with runners of its own. Nothing is imported here: a worker
process (``python -m sdglod.web.execution.worker``) must start without the web stack.
"""
