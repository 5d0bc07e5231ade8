"""Domain schemas shared by every layer: campaigns, users, events, copy, reviews, decisions.

This package imports nothing from the project; tools, agents and graphs import it.
"""
