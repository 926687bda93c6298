"""scholarsite: a static-site generator for research corpora."""

__version__ = "0.1.0"
