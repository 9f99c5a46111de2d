"""Releases: what changed between builds, for harvesters that fetch only what is new.

``sdglod release`` records the current build in the project's release log
(:mod:`.log`): its time and, for each resource whose description changed since the last
release, the description in a canonical form and its digest (:mod:`.descriptions`). Every
build turns the log into a Linked Data Event Stream (:mod:`.stream`): one version member per
changed resource per release, a deletion member for a resource that went away. The log, kept
under version control, not the clock, gives the dates, so the stream is the same bytes
whichever build writes it.

Modules of this package import its submodules, never the package itself.
"""
