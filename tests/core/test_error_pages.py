"""The site's own 404 and 500 pages, in the site's layout and the reader's language, and a demo that runs
without DEBUG (so nobody sees Django's debug page with every URL pattern)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

ROOT = Path(__file__).resolve().parents[2]

# Words of Django's technical pages: none may reach a visitor.
DEBUG_PAGE_WORDS = ("URLconf", "URL patterns", "DEBUG = True", "Page not found at", "Traceback")


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "title", "home"), [("zh-hans", "页面不存在", "返回首页"),
                                                           ("en", "Page not found", "Back to the home page")])
def test_a_missing_page_answers_the_sites_404_in_the_readers_language(client: Client, personas: Any, language: str,
                                                                      title: str, home: str) -> None:
    for logged_in in (False, True):
        if logged_in:
            client.force_login(personas.supervisor)
        response = client.get("/no-such-page/", headers={"accept-language": language})
        body = response.content.decode()
        assert response.status_code == 404
        assert f"<h1>{title}</h1>" in body and home in body
        assert 'class="topbar"' in body and 'class="brand"' in body  # the site's layout
        assert not [word for word in DEBUG_PAGE_WORDS if word in body]
        assert "csrftoken" not in response.cookies  # a 404 on a public page sets no cookie


@pytest.mark.parametrize(("language", "title"), [("zh-hans", "服务器出错"), ("en", "Server error")])
def test_the_500_page_needs_no_request_context(language: str, title: str) -> None:
    request = RequestFactory().get("/boom/")
    with translation.override(language):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500 and f"<h1>{title}</h1>" in body and 'class="brand"' in body


@pytest.mark.django_db
def test_static_files_are_served_without_debug(client: Client, settings: Any) -> None:
    assert settings.DEBUG is False
    response = client.get("/static/luoshi/luoshi.css")
    assert response.status_code == 200 and b".topbar" in b"".join(response.streaming_content)


def test_the_demo_runs_without_debug_on_the_hosts_of_its_address(tmp_path: Path) -> None:
    """scripts/run-demo.sh with a stand-in interpreter that records the environment of each command."""
    log = tmp_path / "log"
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "$3 DEBUG=$LUOSHI_DEBUG HOSTS=$ALLOWED_HOSTS" >> "' + str(log) + '"\n')
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("LUOSHI_DEBUG", "ALLOWED_HOSTS")}
    for addr, hosts in (("demo.example.org:8080", "127.0.0.1,localhost,demo.example.org"), ("0.0.0.0:8000", "*")):
        log.write_text("")
        subprocess.run(["bash", str(ROOT / "scripts" / "run-demo.sh")], check=True, timeout=60, capture_output=True,
                       env={**env, "LUOSHI_PYTHON": str(fake), "LUOSHI_DEMO_ADDR": addr})
        lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in log.read_text().splitlines()}
        assert lines[addr] == f"DEBUG=false HOSTS={hosts}"  # runserver's third argument is the address
