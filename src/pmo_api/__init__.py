"""pmo-api: a headless REST and GraphQL system of record for a Project Management Office."""

__version__ = "1.1.0"  # the API contract's version: docs/versioning.md
