"""State schemas, per-run context and the assembly of the promotion graph."""
