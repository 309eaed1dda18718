"""Benchmark of the search engine against SQLite FTS5 on the same documents, in the same run.

``python -m benchmarks.run --sizes 10000,100000`` (see ``benchmarks/README.md``).
"""
