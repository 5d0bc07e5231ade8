#!/usr/bin/env bash
# CI: the server contract suite (tests/contract) against vLLM on CPU serving the 0.5B.
#
# make test runs the suite's llama.cpp half (its vLLM half skips there); this builds vLLM's environment and
# weights when missing (setup.sh, cached outside the repository), starts the server, waits until it lists its
# model, runs the vLLM half and the both-servers comparison with PROMO_VLLM_REQUIRED=1 (so a server that is not
# there fails, never skips), and stops the server. Prints the minutes each step took and the server's peak memory.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=qwen2.5-coder-0.5b
PORT="${PORT:-8013}"
START_TIMEOUT_S="${VLLM_START_TIMEOUT_S:-900}"
LOG="$(mktemp -t promo-vllm-XXXXXX.log)"
t0=$SECONDS

deploy/vllm_cpu/setup.sh "$MODEL" >/dev/null
echo "vllm-contract: environment and weights ready after $((SECONDS - t0)) s"

# setsid: the server and its engine process form one group, stopped together whatever happens below.
PORT="$PORT" KV_CACHE_GB="${KV_CACHE_GB:-2}" setsid deploy/vllm_cpu/serve.sh "$MODEL" >"$LOG" 2>&1 &
server=$!
peak_file="$(mktemp)"
stop() {
    kill -- -"$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
}
trap stop EXIT

# Peak resident memory of the server's process group (kB), sampled every second.
(
    peak=0
    while kill -0 "$server" 2>/dev/null; do
        rss=$(ps -o rss= -g "$server" 2>/dev/null | awk '{s += $1} END {print s + 0}')
        [ "$rss" -gt "$peak" ] && peak=$rss && echo "$peak" >"$peak_file"
        sleep 1
    done
) &
sampler=$!

started=$SECONDS
until curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null; do
    if ! kill -0 "$server" 2>/dev/null; then
        echo "vllm-contract: the server exited before it was ready; its log:" >&2
        tail -40 "$LOG" >&2
        exit 1
    fi
    if [ $((SECONDS - started)) -gt "$START_TIMEOUT_S" ]; then
        echo "vllm-contract: not ready after ${START_TIMEOUT_S} s; its log:" >&2
        tail -40 "$LOG" >&2
        exit 1
    fi
    sleep 2
done
echo "vllm-contract: server ready after $((SECONDS - started)) s"

tests_started=$SECONDS
PROMO_VLLM_TEST_URL="http://127.0.0.1:$PORT/v1" PROMO_VLLM_REQUIRED=1 \
    .venv/bin/pytest -q -p no:cacheprovider tests/contract -k "vllm or same_inputs"
echo "vllm-contract: tests took $((SECONDS - tests_started)) s; all steps $((SECONDS - t0)) s;" \
    "server peak memory $(($(cat "$peak_file" 2>/dev/null || echo 0) / 1024)) MiB"
