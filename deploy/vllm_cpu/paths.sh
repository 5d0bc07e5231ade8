# Sourced by setup.sh and serve.sh: where vLLM's environment lives, outside the clone, so every clone (CI) reuses it.
VLLM_VENV="${VLLM_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/promo-agents/vllm-venv}"
