#!/usr/bin/env bash
# Serve the embedded model with vLLM on CPU: continuous batching, for campaign runs with many users in flight.
#
# Usage: deploy/vllm_cpu/serve.sh [qwen2.5-coder-0.5b|qwen2.5-coder-1.5b]   (PORT=8011 by default)
# Then:  PROMO_LLM_BASE_URL=http://127.0.0.1:8011/v1 promo campaign run ... --concurrency 24
#
# First run: setup.sh builds vLLM's environment (~3 min) and the bfloat16 weights (~30 s); nothing is fetched
# from a model hub. Needs about 8 GB of RAM. Figures on 2 cores: bench/NOTES.md, "vLLM on CPU".
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL="${1:-qwen2.5-coder-0.5b}"
PORT="${PORT:-8011}"
KV_CACHE_GB="${KV_CACHE_GB:-4}"
# Sequences batched at once: on 2 cores the 0.5B's throughput stops growing at about 16 (bench/NOTES.md, "Raw LLM
# server"); more would only stretch every answer. `promo campaign run --concurrency auto` measures it: 24 users.
MAX_NUM_SEQS="${MAX_NUM_SEQS:-16}"
# Benchmarks only: DEV_MODE=1 opens vLLM's development routes on loopback, among them POST /reset_prefix_cache,
# which bench/campaign_throughput.py calls so its raw replay starts as cold as the campaign did. Never in use.
if [ "${DEV_MODE:-0}" = 1 ]; then export VLLM_SERVER_DEV_MODE=1; fi
# Prefix caching: the copywriter's long system prompt is the same in every request, so its prefill is computed
# once. PREFIX_CACHING=0 turns it off, to measure what it saves (bench/NOTES.md, "Prefix caching").
if [ "${PREFIX_CACHING:-1}" = 0 ]; then PREFIX_FLAG=--no-enable-prefix-caching; else PREFIX_FLAG=--enable-prefix-caching; fi
WEIGHTS_DIR="$(deploy/vllm_cpu/setup.sh "$MODEL")"
. deploy/vllm_cpu/paths.sh  # VLLM_VENV

# No telemetry, no hub: every dependency that has analytics is told not to.
export VLLM_NO_USAGE_STATS=1 DO_NOT_TRACK=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1
export VLLM_CPU_NUM_OF_RESERVED_CPU=0 VLLM_CPU_KVCACHE_SPACE="$KV_CACHE_GB"

# Compact JSON only: with the grammar's free whitespace the small model can pad an answer with newlines
# until max_tokens (seen: 59 of 244 campaign requests cut off by length; 1 of 570 with it).
exec "$VLLM_VENV/bin/python" -m vllm.entrypoints.openai.api_server \
    --model "$WEIGHTS_DIR" --served-model-name "$MODEL" \
    --host 127.0.0.1 --port "$PORT" --max-model-len 4096 --dtype bfloat16 "$PREFIX_FLAG" --max-num-seqs "$MAX_NUM_SEQS" \
    --structured-outputs-config '{"backend": "xgrammar", "disable_any_whitespace": true}'
