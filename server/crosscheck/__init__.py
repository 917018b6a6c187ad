"""Crosscheck: what other sources say about each claim of the page you read."""

__version__ = "0.1.0"
