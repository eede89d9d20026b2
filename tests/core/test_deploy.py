"""Production settings pass Django's deployment checks, and fail loudly when a required value is missing."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "LUOSHI_DEBUG", "CSRF_TRUSTED_ORIGINS",
                            "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")}
    environ.update(DJANGO_SETTINGS_MODULE="luoshi.config.settings", LUOSHI_ENV="production",
                   LUOSHI_DATA_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=60)


def test_it_passes_check_deploy_with_production_settings(tmp_path: Path) -> None:
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], tmp_path,
                    SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="example.gov.cn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_fails_check_deploy_with_a_weak_secret_key_and_no_allowed_hosts(tmp_path: Path) -> None:
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, SECRET_KEY="short")
    assert result.returncode != 0
    assert "security.W009" in result.stderr  # SECRET_KEY too short
    assert "security.W020" in result.stderr  # ALLOWED_HOSTS empty


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path: Path) -> None:
    result = manage(["check"], tmp_path, ALLOWED_HOSTS="example.gov.cn")
    assert result.returncode != 0
    assert "Set the environment variable SECRET_KEY" in result.stderr


def test_it_requires_two_factors_and_short_sessions_in_production(tmp_path: Path) -> None:
    """The test settings switch two factors off (tests/orgs/test_two_factor.py says why); production does not."""
    code = ("from django.conf import settings as s; print(s.LUOSHI_2FA_REQUIRED, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, "
            "s.LUOSHI_SESSION_IDLE_MINUTES, int(s.AXES_COOLOFF_TIME.total_seconds() // 60), s.AXES_FAILURE_LIMIT, "
            "s.LUOSHI_PASSWORD_MAX_AGE_DAYS, s.LUOSHI_PASSWORD_HISTORY)")
    result = manage(["shell", "-c", code], tmp_path, SECRET_KEY=secrets.token_urlsafe(50),
                    ALLOWED_HOSTS="example.gov.cn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["True", "True", "30", "15", "5", "90", "5"]
