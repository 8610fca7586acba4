"""`manage.py create_api_token EMAIL [--rotate]`: print the API token of an active user.

The key alone goes to standard output, so a script can capture it; every issue is audited (the key
never is). `--rotate` replaces an existing key, which stops the old one working at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rest_framework.authtoken.models import Token

from safeguard.core.audit import record_event

SYSTEM_PROCESS = "create_api_token"


class Command(BaseCommand):
    help = "Print the API token for the user with this e-mail address, creating it if needed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The user's sign-in e-mail address.")
        parser.add_argument(
            "--rotate", action="store_true", help="Replace the user's existing token with a new one."
        )

    def handle(self, *args: Any, email: str, rotate: bool, **options: Any) -> None:
        user = self._active_user(email.strip())
        with transaction.atomic():
            if rotate:
                replaced = Token.objects.filter(user=user).delete()[0] > 0
                token = Token.objects.create(user=user)
                created = True
            else:
                replaced = False
                token, created = Token.objects.get_or_create(user=user)
            record_event(
                system_process=SYSTEM_PROCESS,
                action="api_token.issued",
                target=user,
                changes={"new_key": created, "replaced_key": replaced},
            )
        self.stdout.write(token.key)

    def _active_user(self, email: str) -> Any:
        user_model = get_user_model()
        # Sign-in matches e-mail addresses without regard to case; so does this.
        user = user_model.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {email!r}.")
        if not user.is_active:
            raise CommandError(f"The user {email!r} is inactive; reactivate them before issuing a token.")
        return user
