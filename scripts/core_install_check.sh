#!/usr/bin/env bash
# Proves that `pip install holistic` without extras runs: a fresh venv with the core install only runs
# simple/model1, a dry run of an OpenAI model, a real openai/* run against a local OpenAI-compatible server
# (OPENAI_BASE_URL), and helm-summarize. Needs only python3, pip and the package index.
#
#   scripts/core_install_check.sh [WORK_DIR]     (default: a temporary directory, removed afterwards)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
WORK="${1:-}"
if [ -z "$WORK" ]; then
  WORK="$(mktemp -d)"
  trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
else
  mkdir -p "$WORK"
  trap 'kill "${SERVER_PID:-}" 2>/dev/null || true' EXIT
fi
step() { printf '== %s\n' "$*"; }
fail() { printf 'core install check FAILED: %s\n' "$*" >&2; exit 1; }

step "fresh venv with the core install (no extras) in $WORK/venv"
"$PYTHON" -m venv "$WORK/venv"
VENV_PY="$WORK/venv/bin/python"
"$VENV_PY" -m pip install -q --disable-pip-version-check "$REPO"
for heavy in torch transformers tokenizers openai; do
  if "$VENV_PY" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$heavy') is None)"; then
    fail "the core install pulled in $heavy"
  fi
done

cd "$WORK"
export PATH="$WORK/venv/bin:$PATH" OMP_NUM_THREADS=1
unset PYTHONPATH HOLISTIC_DATA_MIRROR OPENAI_API_KEY OPENAI_BASE_URL

step "helm-run simple/model1"
helm-run -r "simple1:model=simple/model1" --suite core -m 10 -q

step "helm-run --dry-run openai/davinci (GPT-2 tokenizer, pure Python)"
helm-run -r "synthetic_reasoning:mode=pattern_match,model=openai/davinci" --suite core -m 5 --dry-run -q

step "helm-run openai/davinci against a local OpenAI-compatible server (OPENAI_BASE_URL)"
cat > server.py <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.path == "/v1/completions", self.path
        assert self.headers["Authorization"] == "Bearer sk-local-check", "OPENAI_API_KEY not sent"
        choice = {"text": " A", "finish_reason": "length",
                  "logprobs": {"tokens": [" A"], "token_logprobs": [-0.5], "top_logprobs": [{" A": -0.5}]}}
        answer = json.dumps({"choices": [choice] * body.get("n", 1)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
        with open("served.log", "a") as log:
            log.write(body["model"] + "\n")

    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Handler)
with open("port", "w") as f:
    f.write(str(server.server_port))
server.serve_forever()
PY
rm -f port served.log
"$VENV_PY" server.py &
SERVER_PID=$!
for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
[ -s port ] || fail "the local server did not start"
OPENAI_BASE_URL="http://127.0.0.1:$(cat port)/v1" OPENAI_API_KEY=sk-local-check \
  helm-run -r "synthetic_reasoning:mode=pattern_match,model=openai/davinci" --suite core-server -m 3 -q
[ "$(wc -l < served.log)" -ge 3 ] || fail "the local server answered $(wc -l < served.log 2>/dev/null || echo 0) requests"
grep -rq '"success": false' benchmarking_output/runs/core-server && fail "requests to the local server failed"
grep -rq "sk-local-check" benchmarking_output prod_env && fail "the API key reached the outputs or the cache"

step "helm-summarize"
helm-summarize --suite core -q
[ -f benchmarking_output/runs/core/groups.json ] || fail "helm-summarize wrote no groups.json"
step "core install OK"
