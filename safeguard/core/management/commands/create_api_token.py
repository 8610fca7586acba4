"""`manage.py create_api_token EMAIL [--rotate]`: issue an API key for an active user and print it.

The key alone goes to standard output, so a script can capture it; every issue is audited (the key
never is). Only a digest is stored, so a key is shown once: for a user who already has one, `--rotate`
replaces it, which stops the old one working at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.core.api_tokens import TokenExists, issue_api_token

SYSTEM_PROCESS = "create_api_token"


class Command(BaseCommand):
    help = "Issue an API key for the user with this e-mail address and print it (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The user's sign-in e-mail address.")
        parser.add_argument(
            "--rotate", action="store_true", help="Replace the user's existing token with a new one."
        )

    def handle(self, *args: Any, email: str, rotate: bool, **options: Any) -> None:
        user = self._active_user(email.strip())
        try:
            issued = issue_api_token(user=user, rotate=rotate, system_process=SYSTEM_PROCESS)
        except TokenExists:
            raise CommandError(
                f"{email!r} already has an API key. Keys are stored only as a digest and cannot be shown "
                "again: use --rotate to replace it (the old key stops working)."
            ) from None
        self.stdout.write(issued.key)

    def _active_user(self, email: str) -> Any:
        user_model = get_user_model()
        # Sign-in matches e-mail addresses without regard to case; so does this.
        user = user_model.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {email!r}.")
        if not user.is_active:
            raise CommandError(f"The user {email!r} is inactive; reactivate them before issuing a token.")
        return user
