"""Engine, sessions, portable column types and the declarative base."""
