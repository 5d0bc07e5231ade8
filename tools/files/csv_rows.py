"""CSV rows with the line each starts on, so an importer can name the line of every bad row.

A file is read with errors="surrogateescape": bytes that are not UTF-8 make their row bad, not the file. A
quoted field that runs over several lines (an unclosed quote) is one bad row naming the lines it took.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

NOT_UTF8 = "not UTF-8 text: save the file as UTF-8"


@dataclass(frozen=True)
class CsvRow:
    """One record: its fields, or why it cannot be read; blank lines are skipped."""

    line: int
    """The line it starts on, counting from 1."""
    fields: list[str]
    problem: str | None = None


def undecodable(text: str) -> bool:
    """Whether text read with errors="surrogateescape" held bytes that are not UTF-8."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def csv_rows(path: Path) -> Iterator[CsvRow]:
    """Every non-blank record of a CSV file, header included, with its first line."""
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle)
        start = 1
        for fields in reader:
            if not fields:
                pass
            elif any(undecodable(field) for field in fields):
                yield CsvRow(start, fields, NOT_UTF8)
            elif reader.line_num > start:
                yield CsvRow(
                    start, fields, f"a quoted field runs from line {start} to line {reader.line_num}: close it"
                )
            else:
                yield CsvRow(start, fields)
            start = reader.line_num + 1
