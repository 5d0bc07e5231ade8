"""The evaluation harness: replay scenario files through the real graph, score, report, compare and gate.

Modules, one role each: ``scenario`` (schema), ``load`` (files), ``adgen`` (AdvertiseGen importer),
``materialize`` (scenario → shop rows), ``records`` (run folder), ``replay`` (runs the graph),
``text_metrics`` and ``stats`` (pure functions), ``metrics`` (per scenario), ``aggregate`` (per run),
``definitions`` (the metric catalog), ``svg``, ``report``, ``compare`` and ``gate``. See docs/evaluation.md.
"""
