"""`manage.py demo_logins`: the demo accounts, one per role, and what to try first with each."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand

from linli.registry.demo.accounts import ACCOUNTS, DEMO_PASSWORD
from linli.registry.demo.load import demo_is_loaded

HEADERS = ("Role", "Name", "Phone", "Password", "Try first")


def width(text: str) -> int:
    """Columns a terminal gives `text`: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


class Command(BaseCommand):
    help = "List the demo accounts (role, name, phone, password) and what to try first with each."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [(a.title, a.name, a.phone, DEMO_PASSWORD, a.hint) for a in ACCOUNTS]
        widths = [
            max(width(str(row[i])) for row in [HEADERS, *rows]) for i in range(len(HEADERS) - 1)
        ]
        self.stdout.write(
            f"Linli demo accounts: log in with the phone number; every password is {DEMO_PASSWORD}"
        )
        self.stdout.write("")
        for index, row in enumerate([HEADERS, *rows]):
            cells = [pad(str(cell), w) for cell, w in zip(row, widths, strict=False)]
            line = "  ".join([*cells, row[-1]])
            self.stdout.write(self.style.MIGRATE_HEADING(line) if index == 0 else line)
        if not demo_is_loaded():
            self.stdout.write("")
            self.stdout.write(
                self.style.WARNING(
                    "The demo data is not loaded yet: run `manage.py load_demo` first."
                )
            )
