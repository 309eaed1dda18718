"""The search interface the web layer and CLI talk to; it never writes."""
from .backend import SearchBackend, open_backend
from .engine import FacetValue, Hit, SearchEngine, SearchRequest, SearchResponse

__all__ = ["FacetValue", "Hit", "SearchBackend", "SearchEngine", "SearchRequest", "SearchResponse", "open_backend"]
