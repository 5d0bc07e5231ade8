"""The agents: each one a graph node `(state, runtime) -> partial state update`."""
