#!/usr/bin/env bash
# The demo behind `make run`: migrate, load the example data (manage.py demo), then serve on
# 127.0.0.1:8000 with one background worker beside the web server. If the worker dies it is
# restarted after a short pause (at most LUOSHI_WORKER_RESTARTS starts a minute; beyond that it
# waits) while the server keeps serving. If the server dies the demo is over: the worker is stopped.
# Ctrl-C or kill stops both. `manage.py demo` prints the accounts, their password, and the authenticator
# keys of the office and the three administrators (they log in with a one-time code, as in production;
# `manage.py demo --code <account>` prints the current code).
#
#   LUOSHI_PYTHON     the interpreter (default .venv/bin/python)
#   LUOSHI_DEMO_ADDR  address:port to serve on (default 127.0.0.1:8000)
#   LUOSHI_DATA_DIR   where the SQLite database and uploads live (default ./var)
#   LUOSHI_WORKER_RESTARTS  worker starts allowed per minute (default 5)
#   LUOSHI_WATCH_PID  stop the demo when this process ends (make run passes its own pid)
#   LUOSHI_TODAY      the date the demo plays on (default 2018-08-03, inside the 2018 plan: July's
#                     report is due); set it empty to use the real date
#   LUOSHI_DEBUG      default false: the demo shows the site's own error pages, never Django's debug page
#                     (which lists every URL pattern); static files are then served by WhiteNoise
#   ALLOWED_HOSTS     default: localhost, 127.0.0.1 and the host of LUOSHI_DEMO_ADDR (any host when it
#                     listens on every address, 0.0.0.0)
set -euo pipefail
cd "$(dirname "$0")/.."

# ${VAR-default}, not ${VAR:-default}: an explicitly empty LUOSHI_TODAY means "the real date".
export LUOSHI_TODAY="${LUOSHI_TODAY-2018-08-03}"
export LUOSHI_DEBUG="${LUOSHI_DEBUG-false}"

python="${LUOSHI_PYTHON:-.venv/bin/python}"
addr="${LUOSHI_DEMO_ADDR:-127.0.0.1:8000}"
host="${addr%:*}"
host="${host#[}"; host="${host%]}"
case "$host" in
  0.0.0.0|::|"") export ALLOWED_HOSTS="${ALLOWED_HOSTS-*}" ;;
  *) export ALLOWED_HOSTS="${ALLOWED_HOSTS-127.0.0.1,localhost,$host}" ;;
esac

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

# `make run` stopped with a TERM to make (not Ctrl-C, which reaches every process of the terminal): make
# exits without passing the signal on, so the demo watches the process that started it and stops with it.
if [ -n "${LUOSHI_WATCH_PID:-}" ]; then
  demo_pid=$$
  ( while kill -0 "$LUOSHI_WATCH_PID" 2>/dev/null && kill -0 "$demo_pid" 2>/dev/null; do sleep 1; done
    kill -TERM "$demo_pid" 2>/dev/null || true ) &
  children+=("$!")
fi

# The worker's keeper: starts db_worker again whenever it exits, with a pause, and a bound per minute.
keep_worker() {
  local wpid="" pause="" rc starts=() recent start
  local limit="${LUOSHI_WORKER_RESTARTS:-5}"
  stop_worker() {
    if [ -n "$pause" ]; then kill "$pause" 2>/dev/null || true; fi
    if [ -n "$wpid" ]; then
      kill -TERM "$wpid" 2>/dev/null || true
      for _ in $(seq 40); do kill -0 "$wpid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$wpid" 2>/dev/null || true
    fi
    exit 0
  }
  trap stop_worker TERM INT
  while true; do
    recent=()
    for start in "${starts[@]}"; do
      if [ $(( $(date +%s) - start )) -lt 60 ]; then recent+=("$start"); fi
    done
    starts=("${recent[@]}")
    if [ "${#starts[@]}" -ge "$limit" ]; then
      echo "后台任务进程一分钟内已重启${limit}次，暂停后再试 (worker restarted ${limit} times in a minute; waiting)" >&2
      sleep 20 & pause=$!
      wait "$pause" || true
      continue
    fi
    starts+=("$(date +%s)")
    # The demo has this one worker: a plan import still "running" now was left by the worker that died,
    # and is marked failed so that its page says so (a failed sweep must not keep the worker down).
    "$python" manage.py plan_imports_sweep --worker-start || true
    # --no-reload: one process, so its id is the whole worker.
    "$python" manage.py db_worker --no-reload &
    wpid=$!
    rc=0
    wait "$wpid" || rc=$?
    wpid=""
    echo "后台任务进程已退出（$rc），2 秒后重启 (worker exited with $rc; restarting in 2 s)" >&2
    sleep 2 & pause=$!
    wait "$pause" || true
  done
}

keep_worker &
children+=("$!")
"$python" manage.py runserver "$addr" --noreload &
server=$!
children+=("$server")
# Returns when the server exits: the demo is over and the EXIT trap stops the worker.
rc=0
wait "$server" || rc=$?
echo "网站服务已退出（$rc），演示结束 (the web server exited with $rc; the demo is over)" >&2
exit "$rc"
