"""The GraphQL schema: one schema over the same domain services as REST."""
