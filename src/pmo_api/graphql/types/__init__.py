"""GraphQL object types, one per file (docs/architecture.md); they reach each other through
`strawberry.lazy` with a module path in this package."""
