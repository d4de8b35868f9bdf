"""Tombstones: the one record of deletions (and of projects moved out of a portfolio), read by
incremental pulls (`GET /api/v1/deletions`)."""
