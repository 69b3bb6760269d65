"""Cross-article resolution: entities, stories, duplicates."""
