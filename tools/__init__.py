"""Tools the agents call: stores, feature extraction, compliance rules, targeting, model factory.

A tool never imports an agent or a graph.
"""

from tools.no_telemetry import switch_off

switch_off()  # first thing any entry point imports: no dependency may call out, whatever the environment says
