"""Tables read from CSV files, with errors that name the file, the column and the line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tools.files.csv_rows import csv_rows
from tools.targeting.offline.logs import FloatArray


class TableError(ValueError):
    """A table that cannot be used as given; the message names the file, column and line."""


@dataclass(frozen=True)
class Table:
    """Columns of strings as read from a CSV file; `line` maps a row to its line in the file."""

    columns: dict[str, list[str]]
    source: str = "table"

    @property
    def n_rows(self) -> int:
        """Number of data rows."""
        return len(next(iter(self.columns.values()), []))

    def require(self, names: list[str]) -> None:
        """Fail with the available column names when any required column is missing."""
        missing = [name for name in names if name not in self.columns]
        if missing:
            raise TableError(
                f"{self.source}: missing column(s) {', '.join(missing)}; available: {', '.join(self.columns)}"
            )

    def numbers(self, name: str) -> FloatArray:
        """A column as floats; the error names the first row that is not a number."""
        self.require([name])
        values = self.columns[name]
        try:
            out = np.asarray(values, dtype=np.float64)
        except ValueError:
            out = np.full(len(values), np.nan)  # some text is not a number: find the first such row below
        if not np.isfinite(out).all():
            row = _first_bad_number(values)
            raise TableError(f"{self.source}: column {name!r}, line {row + 2}: {values[row]!r} is not a finite number")
        return out


def _first_bad_number(values: list[str]) -> int:
    for row, text in enumerate(values):
        try:
            if np.isfinite(float(text)):
                continue
        except ValueError:
            pass
        return row
    return 0


def read_table(path: Path) -> Table:
    """Read a CSV file with a header row; every row must have as many fields as the header.

    The first bad line stops the read (TableError naming it): a model input is used whole or not at all.
    """
    if not path.is_file():
        raise TableError(f"{path}: file not found")
    records = csv_rows(path)
    header = next(records, None)
    if header is None:
        raise TableError(f"{path}: empty file, expected a header row")
    if header.problem:
        raise TableError(f"{path}: line {header.line} (the header): {header.problem}")
    names = [name.strip() for name in header.fields]
    columns: dict[str, list[str]] = {name: [] for name in names}
    for record in records:
        if record.problem:
            raise TableError(f"{path}: line {record.line}: {record.problem}")
        if len(record.fields) != len(names):
            raise TableError(f"{path}: line {record.line} has {len(record.fields)} fields, the header has {len(names)}")
        for name, value in zip(names, record.fields, strict=True):
            columns[name].append(value.strip())
    table = Table(columns=columns, source=str(path))
    if table.n_rows == 0:
        raise TableError(f"{path}: no data rows after the header")
    return table
