"""``python -m sdglod`` runs the command line."""

from .cli import main

main()
