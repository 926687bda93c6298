"""``python -m scholarsite`` runs the command line."""

import sys

from scholarsite.cli import main

sys.exit(main())
