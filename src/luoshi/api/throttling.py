"""A per-account request limit whose rate is read when the request comes (settings.LUOSHI_API_RATE).

DRF's UserRateThrottle reads its rates once, at import; reading the setting on each request lets an
operator (and a test) change or lift the limit without a restart. An empty rate means no limit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class AccountRateThrottle(UserRateThrottle):
    scope = "account"

    def __init__(self) -> None:
        # Deliberately not calling super().__init__(): it looks the scope up in DEFAULT_THROTTLE_RATES.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self) -> str | None:
        return getattr(settings, "LUOSHI_API_RATE", None) or None

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        return bool(super().allow_request(request, view))
