"""Project health (CONTRACT §5): green, amber or red, computed as of today, never stored."""
