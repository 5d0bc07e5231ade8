"""Persistence: the SQL database (SQLite or PostgreSQL), the shop, the Chroma history and its embeddings."""
