"""`manage.py load_demo_finance`: a year of 金狮苑's sunshine finance (run after load_demo).

The maintenance fund, common income, the 24幢1单元 elevator project fund and the owners'
committee's running costs, with a year of entries, receipts, approvals, an emergency repair, a
cost plan with payments, checkpoints and last month's statement. A second run does nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linli.finance import demo
from linli.registry.models import Community

DEMO_COMMUNITY = "shangyangshi"


class Command(BaseCommand):
    help = "Load a year of demo sunshine finance (accounts, entries, expenses) into 金狮苑."

    def handle(self, *args: Any, **options: Any) -> None:
        community = Community.objects.filter(code=DEMO_COMMUNITY).first()
        if community is None:
            raise CommandError("Load the demo first: manage.py load_demo")
        if not demo.load(community).loaded:
            self.stdout.write("Demo finance is already loaded; nothing to do.")
            return
        self.stdout.write(self.style.SUCCESS("Demo finance loaded."))
