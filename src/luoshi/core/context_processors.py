from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def luoshi(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"luoshi_role": getattr(user, "role", None) if user and user.is_authenticated else None}
