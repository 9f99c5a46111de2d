"""The version of sdglod (one place: the CLI, reports and the API read it here)."""

__version__ = "0.1.0"
