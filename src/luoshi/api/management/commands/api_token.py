"""Issue (or rotate, or revoke) an account's API token from the command line: a thin wrapper around
luoshi.api.services, so the change is audited like one made on the token page. `--actor` names who asks:
the account itself, or the system administrator for another account (三员分立); the audit entry names them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.api.models import TokenScope
from luoshi.api.services import api_token_issue, api_token_revoke
from luoshi.core.errors import DomainError

SCOPES = {"read": TokenScope.READ, "read-write": TokenScope.READ_WRITE}


class Command(BaseCommand):
    help = ("Issue a new API token for an account (revoking its old one), or revoke it with --revoke. "
            "The key is printed once; only its SHA-256 is stored.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="revoke the account's token instead")
        parser.add_argument("--actor", required=True,
                            help="who asks: the account itself, or a system administrator for another account")
        parser.add_argument("--scope", choices=sorted(SCOPES), default="read",
                            help="read: GET only (default); read-write: also the API's writes")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=options["username"])
        except user_model.DoesNotExist:
            raise CommandError(f"No account named {options['username']!r}.") from None
        actor = user_model.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active account named {options['actor']!r}.")
        try:
            if options["revoke"]:
                revoked = api_token_revoke(actor=actor, user=user)
                self.stdout.write("Token revoked." if revoked else "The account had no token.")
                return
            token = api_token_issue(actor=actor, user=user, scope=SCOPES[options["scope"]])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        # The key is printed once, to the operator who asked for it; it is never stored, logged or audited.
        self.stdout.write(token.key)  # type: ignore[attr-defined]
