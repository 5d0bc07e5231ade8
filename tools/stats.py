"""The one percentile the project reports (eval metrics, LLM usage, benchmarks), so figures read alike."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile, numpy's ``inverted_cdf``: the ``ceil(q * n)``-th smallest value; None for none.

    ``q`` is a fraction in [0, 1]; q = 0 gives the minimum. Nearest rank returns a value that was measured.
    """
    if not 0 <= q <= 1:
        raise ValueError(f"q must be in [0, 1], got {q}")
    if len(values) == 0:
        return None
    return float(np.percentile(np.asarray(values, dtype=np.float64), q * 100, method="inverted_cdf"))
