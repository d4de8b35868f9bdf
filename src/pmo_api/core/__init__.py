"""Mechanisms shared by every domain: errors, pagination, ETags, idempotency, CSV, JSON."""
