"""The LLM runtime: the embedded server, its weights, the chat-model factory, usage and the generation cache."""
