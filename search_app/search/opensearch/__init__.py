"""The second search backend: an OpenSearch cluster (docs/scaling.md)."""
from .backend import OpenSearchBackend

__all__ = ["OpenSearchBackend"]
