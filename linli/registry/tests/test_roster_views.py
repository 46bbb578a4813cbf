"""Roster pages: the upload page with its report, the template and the export downloads.
Staff (workers and administrators) of the community only; everyone else gets 404."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.core.models import AuditLog
from linli.registry import roster
from linli.registry.models import Unit
from linli.registry.tests.roster_files import flats, row, workbook

pytestmark = pytest.mark.django_db

NOT_STAFF = ("resident", "owner", "committee", "property", "partner", "volunteer", "street")


def page(side):
    return reverse("registry:roster", args=[side.community.pk])


def upload(content: bytes, name: str = "roster.xlsx") -> dict[str, SimpleUploadedFile]:
    return {"file": SimpleUploadedFile(name, content, content_type=roster.XLSX_CONTENT_TYPE)}


def login(client, user):
    client.force_login(user)
    return client


def test_worker_sees_the_upload_form_downloads_and_explanation(
    client, world, django_assert_max_num_queries
):
    login(client, world.a.users["worker"])

    with django_assert_max_num_queries(8):
        response = client.get(page(world.a))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert reverse("registry:roster_template", args=[world.a.community.pk]) in html
    assert reverse("registry:roster_export", args=[world.a.community.pk]) in html
    for header in roster.HEADERS:
        assert header in html
    assert str(roster.RULES[2]) in html  # places are created on the fly


@pytest.mark.parametrize(
    "name", ["registry:roster", "registry:roster_template", "registry:roster_export"]
)
def test_everyone_but_staff_of_the_community_gets_404(client, world, name):
    url = reverse(name, args=[world.a.community.pk])
    users = [world.a.users[role] for role in NOT_STAFF] + [world.b.users["worker"], world.outsider]
    for user in users:
        login(client, user)
        assert client.get(url).status_code == 404, user
    assert not AuditLog.objects.filter(action="roster.export").exists()


def test_an_unknown_community_is_404(client, world):
    login(client, world.a.users["worker"])

    assert client.get(reverse("registry:roster", args=[999999])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(page(world.a))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_administrator_may_use_the_page(client, world):
    login(client, world.a.users["admin"])

    assert client.get(page(world.a)).status_code == 200


def test_worker_of_another_community_cannot_import_into_it(client, world):
    login(client, world.b.users["worker"])
    before = Unit.objects.count()

    response = client.post(page(world.a), upload(workbook([row(number="999", floor=9)])))

    assert response.status_code == 404
    assert Unit.objects.count() == before


def test_valid_upload_imports_and_shows_the_counts(client, world, django_assert_max_num_queries):
    login(client, world.a.users["worker"])
    content = workbook(flats(40))

    with django_assert_max_num_queries(30):
        response = client.post(page(world.a), upload(content))

    assert response.status_code == 200
    assert response.context["report"].ok is True
    assert response.context["report"].counts.units == 40
    assert Unit.objects.filter(community=world.a.community).count() == 2 + 40
    html = response.content.decode()
    assert '<span class="stat__value">40</span>' in html
    assert AuditLog.objects.filter(action="roster.import", community=world.a.community).count() == 1


def test_upload_with_a_bad_row_lists_row_column_and_imports_nothing(
    client, world, django_assert_max_num_queries
):
    login(client, world.a.users["worker"])
    rows = flats(30)
    rows[10]["phone"] = "12345"
    before = Unit.objects.count()

    with django_assert_max_num_queries(30):
        response = client.post(page(world.a), upload(workbook(rows)))

    assert response.status_code == 400
    assert Unit.objects.count() == before
    report = response.context["report"]
    assert [(e.row, e.column, e.code) for e in report.errors] == [(12, "phone", "phone_invalid")]
    html = response.content.decode()
    assert "<td>12</td>" in html
    assert '手机号码 <span class="muted">(K)</span>' in html
    assert "<td>12345</td>" in html


def test_corrupted_upload_shows_a_clear_error_not_a_500(client, world):
    login(client, world.a.users["worker"])

    response = client.post(page(world.a), upload(b"PK\x03\x04 this is not really a workbook"))

    assert response.status_code == 400
    assert response.context["file_error"] == response.context["file_error"].strip() != ""
    assert response.context["report"] is None


def test_upload_of_a_csv_is_refused(client, world):
    login(client, world.a.users["worker"])

    response = client.post(page(world.a), upload(b"a,b,c\n", name="roster.csv"))

    assert response.status_code == 400
    assert response.context["file_error"]


def test_post_without_a_file_shows_the_form_error(client, world):
    login(client, world.a.users["worker"])

    response = client.post(page(world.a), {})

    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_template_download_is_an_xlsx_with_a_utf8_file_name(
    client, world, django_assert_max_num_queries
):
    login(client, world.a.users["worker"])

    # Session, user, the user's roles (2), the community.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("registry:roster_template", args=[world.a.community.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == roster.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith(
        "attachment; filename=\"linli-roster.xlsx\"; filename*=UTF-8''"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert next(book[roster.SHEET_ROSTER].iter_rows(values_only=True)) == roster.HEADERS


def test_export_download_holds_the_community_and_is_audited(
    client, world, django_assert_max_num_queries
):
    login(client, world.a.users["worker"])

    # Session, user, roles (2), community, the audit row in its savepoint (3), then units,
    # ownerships and occupancies.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("registry:roster_export", args=[world.a.community.pk]))

    assert response.status_code == 200
    today = timezone.localdate().strftime("%Y%m%d")
    disposition = response["Content-Disposition"]
    assert disposition.startswith(
        "attachment; filename=\"linli-roster.xlsx\"; filename*=UTF-8''"
        + quote(f"{world.a.community.name}-")
    )
    assert disposition.endswith(f"-{today}.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book[roster.SHEET_ROSTER].iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == ["101", "102"]
    assert rows[1][8:11] == ("业主", "张三丰", "13812345678")
    assert rows[2][8:10] == ("租户", "李四")
    assert AuditLog.objects.filter(action="roster.export", community=world.a.community).count() == 1
