"""Operations: liveness, readiness, metrics, and the middleware that measures every request."""
