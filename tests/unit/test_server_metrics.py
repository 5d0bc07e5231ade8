"""Reading an LLM server's Prometheus counters, and what its prefix cache saved between two readings."""

from __future__ import annotations

from tools.llm.server_metrics import parse_counters, prefill_saved

PAGE = """# HELP vllm:prompt_tokens_total Number of prefill tokens processed.
# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{engine="0",model_name="qwen2.5-coder-0.5b"} 1200.0
vllm:prompt_tokens_total{engine="1",model_name="qwen2.5-coder-0.5b"} 300.0
vllm:prefix_cache_queries_total{engine="0",model_name="qwen2.5-coder-0.5b"} 1500.0
vllm:prefix_cache_hits_total{engine="0",model_name="qwen2.5-coder-0.5b"} 960.0
vllm:time_to_first_token_seconds_sum{engine="0"} NaN
process_start_time_seconds 1.7e9
"""


def test_counters_are_summed_over_labels_and_comments_skipped() -> None:
    counters = parse_counters(PAGE)
    assert counters["vllm:prompt_tokens_total"] == 1500.0
    assert counters["vllm:prefix_cache_hits_total"] == 960.0
    assert counters["process_start_time_seconds"] == 1.7e9
    assert "vllm:time_to_first_token_seconds_sum" not in counters


def test_prefill_saved_is_the_growth_between_readings() -> None:
    before = parse_counters(PAGE)
    after = {**before, "vllm:prompt_tokens_total": 2500.0, "vllm:prefix_cache_queries_total": 2500.0}
    after["vllm:prefix_cache_hits_total"] = 1760.0
    saved = prefill_saved(before, after)
    assert saved is not None
    assert (saved.prompt_tokens, saved.queried, saved.hits) == (1000, 1000, 800)
    assert saved.hit_rate == 0.8 and "800 of 1,000" in saved.line()


def test_a_server_without_prefix_counters_says_nothing() -> None:
    assert prefill_saved({}, {"llamacpp:prompt_tokens_total": 5.0}) is None
