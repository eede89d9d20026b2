#!/usr/bin/env bash
# The demo behind `make run`: migrate, load the example data (manage.py demo), then serve on
# 127.0.0.1:8000 with one background worker beside the web server. Whatever ends the script
# (Ctrl-C, kill, the server or the worker dying) stops both processes.
#
#   LUOSHI_PYTHON     the interpreter (default .venv/bin/python)
#   LUOSHI_DEMO_ADDR  address:port to serve on (default 127.0.0.1:8000)
#   LUOSHI_DATA_DIR   where the SQLite database and uploads live (default ./var)
#   LUOSHI_TODAY      the date the demo plays on (default 2018-08-03, inside the 2018 plan: July's
#                     report is due); set it empty to use the real date
set -euo pipefail
cd "$(dirname "$0")/.."

# ${VAR-default}, not ${VAR:-default}: an explicitly empty LUOSHI_TODAY means "the real date".
export LUOSHI_TODAY="${LUOSHI_TODAY-2018-08-03}"

python="${LUOSHI_PYTHON:-.venv/bin/python}"
addr="${LUOSHI_DEMO_ADDR:-127.0.0.1:8000}"

"$python" manage.py migrate --no-input --verbosity 0
"$python" manage.py createcachetable
"$python" manage.py demo

children=()
stop_children() {
  trap - EXIT INT TERM
  local pid
  for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # The worker finishes its current job on TERM; give it 10 s, then stop it hard.
  for _ in $(seq 50); do
    local alive=0
    for pid in "${children[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pid in "${children[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "演示已停止 (demo stopped)"
}
trap stop_children EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --no-reload: one process each, so the ids above are the whole demo.
"$python" manage.py db_worker --no-reload &
children+=("$!")
"$python" manage.py runserver "$addr" --noreload &
children+=("$!")
# Returns when either one exits; the EXIT trap then stops the other.
wait -n
