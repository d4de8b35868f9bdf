#!/usr/bin/env bash
# `make example`: examples/intake.py against a live pmo-api, through a client generated from the
# committed openapi/openapi.json. Everything is made in a scratch folder and removed after: the
# generator's own virtual environment (examples/requirements.txt), the generated client, a
# SQLite database, the server's log. Fails when the generator warns, or when the example does.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/.venv/bin"
scratch="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

echo "==> the generator (openapi-python-client, pinned in examples/requirements.txt)"
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r examples/requirements.txt

echo "==> generating the client from openapi/openapi.json"
generated="$("$scratch/venv/bin/openapi-python-client" generate --path openapi/openapi.json \
  --output-path "$scratch/client" --config examples/openapi-python-client.yml 2>&1)"
echo "$generated"
if grep -qi "warning\|error" <<<"$generated"; then
  echo "the generator warned about openapi/openapi.json: failing"
  exit 1
fi

echo "==> pmo-api on a scratch SQLite database"
export PMO_DATABASE_URL="sqlite+aiosqlite:///$scratch/example.db" PMO_ACCESS_LOG=false
"$BIN/pmo-api" migrate >/dev/null
key="$("$BIN/pmo-api" create-api-key --role admin --name example)"
port="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$BIN/pmo-api" serve --host 127.0.0.1 --port "$port" >"$scratch/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$scratch/server.log"; exit 1; }
  sleep 0.2
done

echo "==> examples/intake.py"
if ! PYTHONPATH="$scratch/client" PMO_BASE_URL="http://127.0.0.1:$port" PMO_API_KEY="$key" \
  "$scratch/venv/bin/python" examples/intake.py; then
  echo "--- server log"; tail -n 50 "$scratch/server.log"
  exit 1
fi
