"""Methodology templates: versioned standards that projects are created from."""
