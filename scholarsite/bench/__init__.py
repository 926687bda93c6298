"""Benchmarks: a synthetic corpus at any size, the same papers as a Hugo site, and a runner.

``python -m scholarsite.bench --sizes 1000,10000`` generates corpora, builds them with
scholarsite and with Hugo, and prints a comparison table.
"""
