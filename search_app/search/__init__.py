"""The search interface the web layer and CLI talk to; it never writes."""
from .engine import FacetValue, Hit, SearchEngine, SearchRequest, SearchResponse

__all__ = ["FacetValue", "Hit", "SearchEngine", "SearchRequest", "SearchResponse"]
