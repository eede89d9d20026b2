"""scripts/system-packages.sh: the Debian packages `make run`, `make test` and .ci/run need.

Run with fake `dpkg-query`, `id` and `apt-get` first on PATH, so the test decides what is installed and who
runs it, and sees what would be installed, without touching the machine.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "system-packages.sh"


def _fake_bin(tmp: Path, *, installed: bool, uid: int) -> Path:
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    status = "install ok installed" if installed else "unknown ok not-installed"
    commands = {
        "dpkg-query": f'printf "%s" "{status}"',
        "id": f"echo {uid}",
        "apt-get": f'echo "$@" >> {tmp / "apt.log"}',
    }
    for name, body in commands.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    return bin_dir


def _run(tmp: Path, purpose: str, *, installed: bool, uid: int) -> subprocess.CompletedProcess[str]:
    bin_dir = _fake_bin(tmp, installed=installed, uid=uid)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    return subprocess.run(["bash", str(SCRIPT), purpose], env=env, capture_output=True, text=True, check=False)


def test_it_names_the_one_command_when_it_cannot_install(tmp_path: Path) -> None:
    done = _run(tmp_path, "test", installed=False, uid=1000)
    assert done.returncode == 1
    assert ("sudo apt-get update && sudo apt-get install -y --no-install-recommends libpango-1.0-0 "
            "libpangoft2-1.0-0 fonts-noto-cjk chromium poppler-utils gettext") in done.stderr
    assert not (tmp_path / "apt.log").exists()


@pytest.mark.parametrize(("purpose", "packages"), [
    ("run", "libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"),
    ("ci", "libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk chromium poppler-utils gettext postgresql"),
])
def test_it_installs_what_is_missing_as_root(tmp_path: Path, purpose: str, packages: str) -> None:
    done = _run(tmp_path, purpose, installed=False, uid=0)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "apt.log").read_text().splitlines() == [
        "update", f"install -y --no-install-recommends {packages}"]


def test_it_does_nothing_when_everything_is_there(tmp_path: Path) -> None:
    done = _run(tmp_path, "ci", installed=True, uid=0)
    assert done.returncode == 0 and done.stdout == "" and not (tmp_path / "apt.log").exists()
