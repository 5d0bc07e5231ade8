"""The evaluation harness: replay scenario files through the real graph, score, report, compare and gate.

Modules, one role each: ``scenario`` (schema), ``load`` (files), ``adgen`` (AdvertiseGen importer),
``materialize`` (scenario → shop rows), ``records`` (the run folder), ``single`` (one scenario in its own
shop), ``replay`` (many, concurrent, resumable), ``live`` (against the real endpoint), ``text_metrics``,
``stats`` and ``mentions`` (pure functions), ``metrics`` (per scenario), ``rescore``, ``aggregate`` (per
run), ``definitions`` (the metric catalog), ``plots``, ``report``, ``compare`` and ``gate``.
See docs/evaluation.md.
"""
