"""Measure LLM throughput as a client sees it: one request alone, then N at once.

Usage: ``python bench/llm_throughput.py --model qwen2.5-coder-0.5b --parallel 4 --requests 4 --max-tokens 64``.
With ``PROMO_LLM_BASE_URL`` set it measures that endpoint instead of starting the embedded model.
CPU inference collapses under other load: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import get_args

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig

from tools.llm.chat_model import llm_endpoint, make_chat_model
from tools.llm.usage import UsageMeter, UsageSummary
from tools.settings import EmbeddedModel, get_settings

PROMPT = "Write a long, detailed story about a lighthouse keeper and a storm. Do not stop early."


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--model", choices=get_args(EmbeddedModel), default="qwen2.5-coder-0.5b")
    parser.add_argument("--parallel", type=int, default=4, help="server slots, and concurrency of the batch")
    parser.add_argument("--requests", type=int, default=4, help="requests sent at once (0 skips the batch)")
    parser.add_argument("--max-tokens", type=int, default=64)
    return parser.parse_args()


async def _batch(model: BaseChatModel, n: int) -> UsageSummary:
    meter = UsageMeter()
    config = RunnableConfig(callbacks=[meter])
    await asyncio.gather(*(model.ainvoke([HumanMessage(f"{PROMPT} ({i})")], config=config) for i in range(n)))
    return meter.summary()


async def _measure(model: BaseChatModel, n: int) -> None:
    """One event loop for both runs: the async HTTP client is bound to the loop that first used it."""
    _report("single", await _batch(model, 1))
    if n > 0:
        _report(f"concurrent_{n}", await _batch(model, n))


def _report(label: str, s: UsageSummary) -> None:
    print(
        f"{label}: requests={s.calls} completion_tokens={s.completion_tokens} wall_s={s.wall_seconds:.2f} "
        f"p50_s={s.p50_latency_s:.2f} p95_s={s.p95_latency_s:.2f} "
        f"tok_s_aggregate={s.tokens_per_s:.1f} tok_s_per_request={s.tokens_per_s_per_call:.1f}"
    )


def main() -> None:
    """Start the endpoint, warm it up, then report single-request and concurrent tokens per second."""
    args = _args()
    settings = get_settings().model_copy(update={"embedded_model": args.model, "embedded_parallel": args.parallel})
    t0 = time.perf_counter()
    with llm_endpoint(settings, progress=lambda msg: print(f"# {msg}")) as endpoint:
        print(f"startup_s={time.perf_counter() - t0:.2f} model={endpoint.model}")
        model = make_chat_model(endpoint.base_url, endpoint.model, settings, max_tokens=args.max_tokens)
        model.invoke([HumanMessage("Say OK.")], config=RunnableConfig(max_concurrency=1))  # warm-up, not counted
        asyncio.run(_measure(model, args.requests))


if __name__ == "__main__":
    main()
