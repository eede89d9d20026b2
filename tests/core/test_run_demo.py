"""scripts/run-demo.sh (what `make run` runs) with a stand-in interpreter: stopping the demo stops the web
server and the worker, and so does the end of the process that started it (a TERM sent to make)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# manage.py runserver / db_worker stand in as long sleeps that write their pid; everything else succeeds.
FAKE_PYTHON = """#!/usr/bin/env bash
case "$2" in
  runserver|db_worker) echo $$ > "$FAKE_DIR/$2.pid"; exec sleep 300 ;;
  *) exit 0 ;;
esac
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose.
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "Z"
    return state != "Z"


def _wait_for(check: object, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def demo_env(tmp_path: Path) -> dict[str, str]:
    fake = tmp_path / "python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    return {**os.environ, "LUOSHI_PYTHON": str(fake), "FAKE_DIR": str(tmp_path), "LUOSHI_DATA_DIR": str(tmp_path)}


def _start(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int, int]:
    proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "run-demo.sh")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    fake_dir = Path(env["FAKE_DIR"])
    assert _wait_for(lambda: (fake_dir / "runserver.pid").exists() and (fake_dir / "db_worker.pid").exists())
    time.sleep(0.3)
    server = int((fake_dir / "runserver.pid").read_text())
    worker = int((fake_dir / "db_worker.pid").read_text())
    assert _alive(server) and _alive(worker)
    return proc, server, worker


def test_a_term_to_the_demo_stops_the_server_and_the_worker(demo_env: dict[str, str]) -> None:
    proc, server, worker = _start(demo_env)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)
    assert _wait_for(lambda: not _alive(server) and not _alive(worker))


def test_the_demo_stops_when_the_process_that_started_it_ends(demo_env: dict[str, str]) -> None:
    parent = subprocess.Popen(["sleep", "300"])
    try:
        proc, server, worker = _start({**demo_env, "LUOSHI_WATCH_PID": str(parent.pid)})
        parent.kill()
        parent.wait()
        proc.wait(timeout=20)
        assert _wait_for(lambda: not _alive(server) and not _alive(worker))
    finally:
        if parent.poll() is None:
            parent.kill()


def test_without_a_watched_process_the_demo_keeps_serving(demo_env: dict[str, str]) -> None:
    proc, server, worker = _start(demo_env)
    try:
        time.sleep(2)
        assert proc.poll() is None and _alive(server) and _alive(worker)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
