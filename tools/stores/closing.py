"""Stores that close their clients: `with Store(...) as store:` closes them on the way out, whatever happens."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Closing:
    """Context-manager support for a class that defines ``close()``; the with-block ends in ``close()``."""

    def close(self) -> None:
        """Release what the store holds; subclasses say what."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
