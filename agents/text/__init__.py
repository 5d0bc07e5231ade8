"""Text builders for the nodes: prompts, brief summaries, chat events (no graph nodes here)."""
