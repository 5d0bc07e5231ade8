"""The demo shop's own style lines for the exemplar pool (shopdata/exemplars.yaml), checked on load."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import yaml

from domain.channels import Locale
from tools.compose.exemplars import exemplar_lines
from tools.stores.exemplars import Exemplar

EXEMPLARS_FILE = Path(__file__).with_name("exemplars.yaml")


def demo_exemplars(path: Path = EXEMPLARS_FILE) -> list[Exemplar]:
    """Every line of the file as an exemplar; ValueError naming a line the pool's filter would refuse."""
    data = cast(dict[str, dict[str, list[str]]], yaml.safe_load(path.read_text(encoding="utf-8")))
    exemplars = []
    for category, by_locale in data.items():
        for locale, lines in by_locale.items():
            for n, line in enumerate(lines):
                if exemplar_lines(line, cast(Locale, locale)) != [line]:
                    raise ValueError(
                        f"{path.name}: {category}/{locale} line {n + 1} is not a clean style line: {line!r}"
                    )
                exemplars.append(
                    Exemplar(f"demo:{category}:{locale}:{n}", line, cast(Locale, locale), category, "demo")
                )
    return exemplars
