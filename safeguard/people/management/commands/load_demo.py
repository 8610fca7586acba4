"""`manage.py load_demo`: load the demo partnership and every registered demo loader (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.people.demo import list_accounts, load_demo


class Command(BaseCommand):
    help = "Load the demo partnership (Lancashire and Liverpool boards, agencies and accounts). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list-accounts",
            action="store_true",
            help="Print the demo accounts (e-mail and role) and stop; loads nothing.",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Set existing demo accounts' passwords back to $DEMO_PASSWORD.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list_accounts"]:
            self._print_accounts()
            return
        try:
            load_demo(stdout=self.stdout, reset_passwords=options["reset_passwords"])
        except ValidationError as error:
            raise CommandError(
                "DEMO_PASSWORD is not accepted by the password rules: " + " ".join(error.messages)
            ) from error

    def _print_accounts(self) -> None:
        rows = [("E-mail", "Role"), *list_accounts()]
        width = max(len(email) for email, _ in rows)
        for email, description in rows:
            self.stdout.write(f"  {email:<{width}}  {description}")
