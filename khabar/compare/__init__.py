"""Cross-article comparison: claims, corroboration, conflicts, timeline, actor graph."""
