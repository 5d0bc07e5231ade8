"""Request and response bodies, with the examples that OpenAPI shows."""
