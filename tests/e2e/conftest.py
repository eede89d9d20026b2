"""Browser fixtures live in tests/conftest.py (one session browser for all modules); helpers in tests/browser.py."""

from tests.browser import login, shot

__all__ = ["login", "shot"]
