"""Projects: identity, scope, plan dates, budget and lifecycle."""
