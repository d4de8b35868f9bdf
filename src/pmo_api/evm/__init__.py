"""Earned value: the pure formulas, their SQL inputs, the per-project aggregates and the
service (and its cache) that REST and GraphQL both call."""
