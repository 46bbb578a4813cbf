"""`manage.py load_demo_votes`: the seed's two owners' decisions in 金狮苑 (run after load_demo).

A property-company selection with its choose-one vote open, and a published 2025 committee
election. A second run does nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linli.registry.models import Community
from linli.votes import demo

DEMO_COMMUNITY = "shangyangshi"


class Command(BaseCommand):
    help = "Load the demo votes (property company selection, committee election) into 金狮苑."

    def handle(self, *args: Any, **options: Any) -> None:
        community = Community.objects.filter(code=DEMO_COMMUNITY).first()
        if community is None:
            raise CommandError("Load the demo first: manage.py load_demo")
        result = demo.load(community)
        if not (result.procurement or result.election):
            self.stdout.write("Demo votes are already loaded; nothing to do.")
            return
        self.stdout.write(self.style.SUCCESS("Demo votes loaded."))
