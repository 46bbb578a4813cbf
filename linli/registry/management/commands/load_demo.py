"""`manage.py load_demo`: load the deterministic demo data once (a second run does nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linli.core.errors import LinliError
from linli.registry.demo.load import demo_load


class Command(BaseCommand):
    help = (
        "Load the demo: 小营街道, 上羊市街社区 (金狮苑 and two more estates), 始版桥社区, "
        "owners, organisations, 300 partners, the five spaces and one account per role. "
        "Does nothing if the demo community already exists."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_load()
        except LinliError as exc:
            raise CommandError(exc.message) from exc
        if not result.created:
            self.stdout.write("Demo data is already loaded; nothing to do.")
            return
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {result.seconds:.1f} s:"))
        for name, count in result.counts.items():
            self.stdout.write(f"  {count:>6,}  {name}")
        self.stdout.write("Run `manage.py demo_logins` to see the demo accounts.")
