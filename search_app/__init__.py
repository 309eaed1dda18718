"""Faceted English/Arabic full-text search over reporting on Syria."""

__version__ = "0.1.0"
