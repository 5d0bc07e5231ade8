#!/usr/bin/env bash
# Wait until an LLM replica serves: `GET /health` answers 200 and `GET /v1/models` lists a model; then print the
# served model names, one a line, and exit 0. Exit 1 with what was last seen when TIMEOUT_S passes first.
#
# Usage: deploy/vllm_gpu/wait_ready.sh URL [TIMEOUT_S]
#   URL: the server root or its OpenAI base URL (http://gpu-1:8000 or http://gpu-1:8000/v1).
#   TIMEOUT_S: default 900 (a large model loads and compiles its CUDA graphs for minutes).
#   API_KEY (or PROMO_LLM_API_KEY): the key /v1/models needs when the server was started with one.
set -euo pipefail

URL="${1:-}"
TIMEOUT_S="${2:-900}"
KEY="${API_KEY:-${PROMO_LLM_API_KEY:-}}"
[ -n "$URL" ] || { echo "usage: deploy/vllm_gpu/wait_ready.sh URL [TIMEOUT_S]" >&2; exit 2; }
[[ "$TIMEOUT_S" =~ ^[1-9][0-9]*$ ]] || { echo "wait_ready.sh: TIMEOUT_S must be whole seconds, got '$TIMEOUT_S'" >&2; exit 2; }
ROOT="${URL%/}"
ROOT="${ROOT%/v1}"
PYTHON="$(command -v python3 || command -v python)" || { echo "wait_ready.sh: needs python3 (reads JSON)" >&2; exit 2; }

# The key goes to curl on stdin, not on its command line, where `ps` would show it.
fetch() {  # fetch PATH OUTFILE: prints the HTTP status (000 when nothing answered)
    local auth=""
    [ -z "$KEY" ] || auth="header = \"Authorization: Bearer $KEY\""
    printf '%s\n' "$auth" | curl -s -K - -o "$2" -w '%{http_code}' --max-time 5 "$ROOT$1" || true
}

body="$(mktemp)"
trap 'rm -f "$body"' EXIT
start=$SECONDS
seen="nothing yet"
while :; do
    health="$(fetch /health "$body")"
    if [ "$health" = 200 ]; then
        models_status="$(fetch /v1/models "$body")"
        if [ "$models_status" = 200 ]; then
            names="$("$PYTHON" -c '
import json, sys
try:
    data = json.load(open(sys.argv[1], encoding="utf-8")).get("data") or []
except (ValueError, AttributeError):
    data = []
print("\n".join(str(m["id"]) for m in data if isinstance(m, dict) and "id" in m))' "$body")"
            if [ -n "$names" ]; then
                echo "$names"
                exit 0
            fi
            seen="/health 200, /v1/models lists no model"
        else
            seen="/health 200, /v1/models HTTP $models_status"
            [ "$models_status" != 401 ] || seen="$seen (set API_KEY to the server's key)"
        fi
    elif [ "$health" = 000 ]; then
        seen="no answer at $ROOT"
    else
        seen="/health HTTP $health"
    fi
    if [ $((SECONDS - start)) -ge "$TIMEOUT_S" ]; then
        echo "wait_ready.sh: $ROOT not ready after $TIMEOUT_S s (last: $seen)" >&2
        exit 1
    fi
    sleep 2
done
