"""Tools the agents call: stores, feature extraction, compliance rules, targeting, model factory.

A tool never imports an agent or a graph.
"""
