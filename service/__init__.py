"""The HTTP service: an OpenAI-compatible chat endpoint, REST for promotions, runs, feedback and erasure."""
