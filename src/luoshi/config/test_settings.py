"""Settings for the test suite: the real settings with fast hashing, immediate tasks and in-memory mail."""

import os
import tempfile

os.environ.setdefault("LUOSHI_ENV", "test")
os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-test-"))

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LUOSHI_TODAY = None  # a LUOSHI_TODAY exported in the shell (the demo's) must not leak into tests

(DATA_DIR / "static").mkdir(exist_ok=True)  # noqa: F405  whitenoise warns about a missing static root otherwise
# Two factors are off for the suite, deliberately: most tests log in with client.force_login(), which
# cannot carry a verified device, and they test what an account may do, not how it logged in. The tests
# of the second factor (tests/orgs/test_two_factor.py) switch it on, and tests.conftest.login_verified
# logs in with a verified device where a test needs both.
LUOSHI_2FA_REQUIRED = False
