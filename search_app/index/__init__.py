"""The index: the schema, generations on disk, the build from the store and the postings arrays.

Reads the store and the text/enrich layers; search reads what this package writes.
"""
