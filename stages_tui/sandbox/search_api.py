"""Search-string filters: H2's search.py when present, else the simple stand-in."""

from __future__ import annotations

try:
    from .search import category_filter, contact_filter, stage_filter
except ImportError:  # search.py not there yet
    from .search_fallback import category_filter, contact_filter, stage_filter

__all__ = ["category_filter", "contact_filter", "stage_filter"]
