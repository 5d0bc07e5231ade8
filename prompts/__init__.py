"""Prompt templates as versioned files: prompts/<agent>/<version>/<part>.<locale>.md, loaded by name."""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template

from domain.channels import Locale


@cache
def load_prompt(agent: str, part: str, locale: Locale, version: str = "v1") -> Template:
    """Load one template; `$name` placeholders are filled with Template.substitute (missing ones raise)."""
    path = resources.files(__package__).joinpath(agent, version, f"{part}.{locale}.md")
    if not path.is_file():
        raise FileNotFoundError(f"no prompt {agent}/{version}/{part}.{locale}.md under prompts/")
    return Template(path.read_text(encoding="utf-8").strip())


def render_prompt(agent: str, part: str, locale: Locale, version: str = "v1", **values: object) -> str:
    """Load and fill a template in one step."""
    return load_prompt(agent, part, locale, version).substitute({k: str(v) for k, v in values.items()})
