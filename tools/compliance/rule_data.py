"""The rules' data files (tools/compliance/data/<name>.yaml), read once from the installed package."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml


@functools.cache
def rule_data(name: str) -> Any:
    """The parsed data/<name>.yaml; an empty file reads as {} so a missing list is simply empty."""
    text = resources.files("tools.compliance").joinpath(f"data/{name}.yaml").read_text("utf-8")
    return yaml.safe_load(text) or {}
