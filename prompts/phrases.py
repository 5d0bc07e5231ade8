"""Phrase tables as files: prompts/strings/<name>.yaml, each table one entry per locale, loaded by name.

A table is what a module used to keep as a `{"zh": ..., "en": ...}` dict: a phrase, a list of phrases, or a
mapping of keys to phrases. Every table must carry both locales; every phrase must be a string (YAML's bare
`yes`, `no`, `on` and numbers are refused, so a phrase never turns into a boolean or a number unnoticed).
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from typing import Any

import yaml

from domain.channels import LOCALES, Locale

PhraseTable = dict[Locale, Any]
"""One table: the same phrase (or list or mapping of phrases) in each locale."""


class PhraseError(LookupError):
    """A phrase file that is malformed, or a table it does not have."""


def _where(name: str) -> str:
    return f"prompts/strings/{name}.yaml"


def _check_phrases(value: object, where: str) -> None:
    """Raise PhraseError unless `value` is a string, or a list or string-keyed mapping of such values."""
    if isinstance(value, str):
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_phrases(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise PhraseError(f"{where}: key {key!r} is not a string (quote it)")
            _check_phrases(item, f"{where}.{key}")
        return
    raise PhraseError(f"{where}: {value!r} is not a phrase (quote it as a string)")


def check_tables(data: object, where: str) -> dict[str, PhraseTable]:
    """`data` (a parsed phrase file) as tables, or PhraseError naming `where`, the table and what is wrong."""
    if not isinstance(data, dict) or not data:
        raise PhraseError(f"{where} must be a mapping of table names to tables")
    for table, entry in data.items():
        if not isinstance(table, str):
            raise PhraseError(f"{where}: table name {table!r} is not a string (quote it)")
        at = f"{where}: table {table!r}"
        if not isinstance(entry, dict):
            raise PhraseError(f"{at} must map each locale to its phrases")
        missing = [loc for loc in LOCALES if loc not in entry]
        if missing:
            raise PhraseError(f"{at} has no {', '.join(map(repr, missing))} entry")
        extra = [loc for loc in entry if loc not in LOCALES]
        if extra:
            raise PhraseError(f"{at} has unknown locale(s) {', '.join(map(repr, extra))}")
        _check_phrases(entry, at)
    return data


@cache
def _load(name: str) -> dict[str, PhraseTable]:
    path = resources.files(__package__).joinpath("strings", f"{name}.yaml")
    if not path.is_file():
        raise FileNotFoundError(f"no phrase file {_where(name)}")
    return check_tables(yaml.safe_load(path.read_text(encoding="utf-8")), _where(name))


def phrases(name: str) -> dict[str, PhraseTable]:
    """Every table of prompts/strings/<name>.yaml, checked: both locales present, phrases only (a fresh copy)."""
    return copy.deepcopy(_load(name))


def phrase_table(name: str, table: str) -> PhraseTable:
    """One table of prompts/strings/<name>.yaml; PhraseError names the file and the table when it is missing."""
    tables = _load(name)
    if table not in tables:
        raise PhraseError(f"{_where(name)} has no table {table!r} (it has: {', '.join(tables)})")
    return copy.deepcopy(tables[table])


def fill(table: PhraseTable, **values: object) -> PhraseTable:
    """`table` with each `{name}` of `values` filled in, every other placeholder left for later `.format`.

    For constants known at import (`{variants}` → DEFAULT_VARIANTS) in phrases that also carry placeholders
    filled at run time (`{occasion}`).
    """

    def filled(value: Any) -> Any:
        if isinstance(value, str):
            for key, replacement in values.items():
                value = value.replace("{" + key + "}", str(replacement))
            return value
        if isinstance(value, list):
            return [filled(item) for item in value]
        if isinstance(value, dict):
            return {key: filled(item) for key, item in value.items()}
        return value

    return {locale: filled(entry) for locale, entry in table.items()}
