"""The votes admin: drafts change only through motion_update; once announced or opened a motion
is read-only; roll, ballots, checks and results are never editable or deletable."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from linli.core.models import AuditLog
from linli.votes import services
from linli.votes.admin import MotionAdmin
from linli.votes.models import Ballot, BallotCheck, Motion, MotionResult, RollVoter
from linli.votes.tests import builders
from linli.votes.tests.test_services import V12_BALLOTS, Building, second_worker, v12_building
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db: Any) -> Any:
    return f.UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def v12(world: Any) -> Building:
    return v12_building(world.a)


def motion_post(motion: Motion, **changes: Any) -> dict[str, Any]:
    """Everything a change form could carry, the frozen fields included."""
    data = {
        "title": motion.title,
        "body": motion.body,
        "rule_kind": motion.rule_kind,
        "matter": motion.matter,
        "area_total": motion.area_total or "",
        "options-TOTAL_FORMS": str(motion.options.count()),
        "options-INITIAL_FORMS": str(motion.options.count()),
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
    }
    if motion.allow_revote:
        data["allow_revote"] = "on"
    data.update(changes)
    return data


def frozen(motion: Motion) -> tuple[Any, ...]:
    motion.refresh_from_db()
    return (
        motion.title,
        motion.rule_kind,
        motion.matter,
        motion.allow_revote,
        motion.area_total,
        motion.headcount_total,
        list(motion.options.values_list("position", "label")),
    )


def test_an_opened_motion_is_read_only_and_a_post_changes_nothing(client, superuser, v12):
    motion = v12.motion(kind="choose_one", matter="other_major", options=["甲", "乙"])
    before = frozen(motion)
    client.force_login(superuser)
    url = reverse("admin:votes_motion_change", args=[motion.pk])

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="title"' not in html and 'name="rule_kind"' not in html
    assert 'name="options-0-label"' not in html

    response = client.post(
        url,
        motion_post(
            motion,
            title="偷换的议题",
            rule_kind="simple_majority",
            matter="poll",
            area_total="1",
            allow_revote="on",
            **{"options-0-label": "改过的选项", "options-0-id": str(motion.options.first().pk)},
        ),
    )

    assert response.status_code == 403
    assert frozen(motion) == before
    assert not AuditLog.objects.filter(action="motion.update").exists()


def test_opened_and_announced_motions_deny_change_in_the_model_admin(superuser, v12, world):
    opened = v12.motion(matter=Motion.Matter.COVENANT)
    announced = v12.motion(builders.announced, matter=Motion.Matter.COVENANT)
    draft = v12.motion(builders.draft, matter=Motion.Matter.COVENANT)
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = MotionAdmin(Motion, admin.site)
    assert model_admin.has_change_permission(request, opened) is False
    assert model_admin.has_change_permission(request, announced) is False
    assert model_admin.has_change_permission(request, draft) is True
    assert model_admin.has_delete_permission(request, draft) is False
    assert model_admin.has_add_permission(request) is False
    readonly = model_admin.get_readonly_fields(request, opened)
    assert {"title", "body", "rule_kind", "matter", "scope", "area_total", "opens_on"} <= set(
        readonly
    )
    assert "title" not in model_admin.get_readonly_fields(request, draft)
    assert "rule_kind" in model_admin.get_readonly_fields(request, draft)


def test_a_draft_changes_through_the_service_and_never_its_rule(client, superuser, world):
    motion = builders.draft(world.a.users["worker"], world.a.estate)
    client.force_login(superuser)
    url = reverse("admin:votes_motion_change", args=[motion.pk])
    assert 'name="title"' in client.get(url).content.decode()

    response = client.post(
        url,
        motion_post(
            motion, title="是否选聘新物业公司", body="说明", rule_kind="special", matter="poll"
        ),
    )

    assert response.status_code == 302
    motion.refresh_from_db()
    assert (motion.title, motion.body) == ("是否选聘新物业公司", "说明")
    assert (motion.rule_kind, motion.matter) == ("ordinary", "property_company")
    assert AuditLog.objects.filter(action="motion.update", actor=superuser).count() == 1


def test_a_draft_refused_by_the_service_shows_the_error(client, superuser, world):
    motion = builders.draft(world.a.users["worker"], world.a.estate)
    client.force_login(superuser)
    url = reverse("admin:votes_motion_change", args=[motion.pk])
    response = client.post(url, motion_post(motion, title="长" * 201))
    assert response.status_code == 200
    motion.refresh_from_db()
    assert motion.title == "是否续聘现物业公司"


@pytest.fixture
def counted(v12: Building) -> Motion:
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    checker = second_worker(v12.side)
    for name, choice in V12_BALLOTS.items():
        if name != "赵":
            v12.cast(motion, name, choice)
    paper = v12.paper(motion, "赵", choice="no")
    services.ballot_check(actor=checker, ballot_id=paper.id, accepted=True)
    builders.closed(v12.worker, motion)
    with builders.after_close():
        services.motion_tally(actor=v12.worker, motion_id=motion.id)
    return motion


RECORDS = [
    ("rollvoter", RollVoter, "motion"),
    ("ballot", Ballot, "motion"),
    ("ballotcheck", BallotCheck, "ballot__motion"),
    ("motionresult", MotionResult, "motion"),
]


@pytest.mark.parametrize(("name", "model", "motion_field"), RECORDS)
def test_records_render_and_are_never_editable_or_deletable(
    client, superuser, counted, name, model, motion_field
):
    obj = model.objects.filter(**{motion_field: counted}).order_by("id").first()
    snapshot = model.objects.filter(pk=obj.pk).values().get()
    client.force_login(superuser)

    listing = client.get(reverse(f"admin:votes_{name}_changelist"))
    assert listing.status_code == 200
    assert 'value="delete_selected"' not in listing.content.decode()
    change = reverse(f"admin:votes_{name}_change", args=[obj.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'type="submit"' not in page.content.decode().split('id="content-main"', 1)[1]
    assert client.post(change, {"choice": "no", "area": "1", "note": "x"}).status_code == 403
    delete = reverse(f"admin:votes_{name}_delete", args=[obj.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse(f"admin:votes_{name}_add")).status_code == 403
    bulk = client.post(
        reverse(f"admin:votes_{name}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert bulk.status_code == 200  # no actions offered: the list is shown again
    assert model.objects.filter(pk=obj.pk).values().get() == snapshot


def test_motion_pages_render(client, superuser, counted, world):
    builders.draft(world.a.users["worker"], world.a.estate, title="草稿")
    client.force_login(superuser)
    assert client.get(reverse("admin:votes_motion_changelist")).status_code == 200
    for motion in Motion.objects.all():
        page = client.get(reverse("admin:votes_motion_change", args=[motion.pk]))
        assert page.status_code == 200, motion.status
    assert client.get(reverse("admin:votes_motion_add")).status_code == 403
    delete = reverse("admin:votes_motion_delete", args=[counted.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Motion.objects.filter(pk=counted.pk).exists()
