"""pmo-api: a headless REST and GraphQL system of record for a Project Management Office."""

__version__ = "0.1.0"
