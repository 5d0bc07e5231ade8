"""A user's profile: derived features, the campaign's view of it, and untrusted history text."""
