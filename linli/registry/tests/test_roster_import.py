"""Roster import: the service `roster_import` — what it creates, every validation rule, the
all-or-nothing guarantee and its bounded number of queries."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook

from linli.core.errors import Forbidden, LinliError
from linli.core.models import AuditLog
from linli.registry import roster
from linli.registry.models import Building, Entrance, Estate, Occupancy, Ownership, Person, Unit
from linli.registry.tests.roster_files import (
    DEVELOPER,
    credit_code,
    flats,
    id_number,
    row,
    unit_only,
    workbook,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return f.CommunityFactory(name="新社区", code="c-new")


@pytest.fixture
def worker(community):
    return f.RoleFactory(community=community).user


def run(
    worker: Any, community: Any, rows: list[dict[str, Any]], **kwargs: Any
) -> roster.ImportReport:
    return roster.roster_import(actor=worker, community=community, file=workbook(rows, **kwargs))


def problems(report: roster.ImportReport) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.code) for e in report.errors]


def assert_nothing_written(community: Any) -> None:
    assert Estate.objects.filter(community=community).count() == 0
    assert Unit.objects.filter(community=community).count() == 0
    assert Person.objects.filter(community=community).count() == 0
    assert not AuditLog.objects.filter(action="roster.import").exists()


# ---------------------------------------------------------------------------
# A valid file


def valid_rows() -> list[dict[str, Any]]:
    return [
        # Two co-owners of 301; 张三 represents and lives there.
        row(),
        row(
            name="李四",
            phone="13800000002",
            id_number=id_number(2),
            representative="否",
            resides="否",
        ),
        # A tenant in 302, which has no owner on file.
        row(
            number="302",
            area="75.20",
            relation="租户",
            name="王五",
            phone="13800000003",
            id_number="",
            representative="",
            resides="",
        ),
        # The developer's unsold parking space under building 24, surveyed area.
        row(
            entrance="",
            number="B-12",
            kind="车位",
            floor=-1,
            area="12.5",
            area_source="实测",
            name=DEVELOPER,
            phone="",
            id_number=credit_code(),
            representative="",
            developer="未售",
            resides="",
        ),
    ]


def test_import_creates_places_units_people_and_links(worker, community):
    report = run(worker, community, valid_rows())

    assert report.ok is True
    assert report.errors == ()
    assert report.counts == roster.ImportCounts(
        rows=4,
        estates=1,
        buildings=1,
        entrances=1,
        units=3,
        persons=4,
        persons_linked=0,
        ownerships=3,
        occupancies=2,
    )
    estate = Estate.objects.get(community=community)
    assert estate.name == "金狮苑"
    building = Building.objects.get(community=community)
    assert (building.estate_id, building.number, building.floors) == (estate.pk, "24", 3)
    entrance = Entrance.objects.get(community=community)
    assert (entrance.building_id, entrance.number) == (building.pk, "1")
    units = {
        u.number: (u.kind, u.floor, u.area, u.area_source, u.building_id, u.entrance_id)
        for u in Unit.objects.filter(community=community)
    }
    assert units == {
        "301": ("flat", 3, 8950, "register", building.pk, entrance.pk),
        "302": ("flat", 3, 7520, "register", building.pk, entrance.pk),
        "B-12": ("parking", -1, 1250, "surveyed", building.pk, None),
    }
    people = {
        p.name: (p.kind, p.phone, p.id_number, p.is_developer)
        for p in Person.objects.filter(community=community)
    }
    assert people == {
        "张三": ("individual", "13800000001", id_number(1), False),
        "李四": ("individual", "13800000002", id_number(2), False),
        "王五": ("individual", "13800000003", "", False),
        DEVELOPER: ("organisation", "", credit_code(), True),
    }
    ownerships = {
        (o.unit.number, o.person.name): (o.is_representative, o.developer_status)
        for o in Ownership.objects.filter(community=community).select_related("unit", "person")
    }
    assert ownerships == {
        ("301", "张三"): (True, ""),
        ("301", "李四"): (False, ""),
        ("B-12", DEVELOPER): (True, "unsold"),
    }
    occupancies = {
        (o.unit.number, o.person.name): o.relation
        for o in Occupancy.objects.filter(community=community).select_related("unit", "person")
    }
    assert occupancies == {("301", "张三"): "owner", ("302", "王五"): "tenant"}
    assert Unit.objects.get(community=community, number="301").sort_key == 301


def test_import_writes_one_audit_row_with_the_counts(worker, community):
    run(worker, community, valid_rows())

    audit = AuditLog.objects.get(action="roster.import")
    assert (audit.actor_id, audit.community_id, audit.object_type, audit.object_id) == (
        worker.pk,
        community.pk,
        "registry.community",
        str(community.pk),
    )
    assert audit.summary == (
        "Roster import of 4 rows: 3 units, 1 estates, 1 buildings, 1 entrances, 4 new persons, "
        "0 registered persons linked, 3 ownerships, 2 occupancies"
    )


def test_import_accepts_an_uploaded_file(worker, community):
    upload = SimpleUploadedFile("名册.xlsx", workbook(valid_rows()))

    report = roster.roster_import(actor=worker, community=community, file=upload)

    assert report.ok is True
    assert report.counts.units == 3


def test_sole_owner_without_representative_mark_represents_the_unit(worker, community):
    report = run(worker, community, [row(representative="")])

    assert report.ok is True
    assert Ownership.objects.get(community=community).is_representative is True


def test_unit_without_people_is_imported_alone(worker, community):
    report = run(worker, community, [unit_only(number="501", floor=5)])

    assert report.ok is True
    assert report.counts.units == 1
    assert report.counts.persons == 0
    assert Unit.objects.get(community=community).number == "501"


def test_building_and_entrance_suffixes_are_dropped(worker, community):
    report = run(worker, community, [row(building="24幢", entrance="1单元")])

    assert report.ok is True
    assert Building.objects.get(community=community).number == "24"
    assert Entrance.objects.get(community=community).number == "1"


def test_full_width_digits_are_read_as_digits(worker, community):
    full_width = {"phone": "１３８ ０００ ０００ ０１", "floor": "３", "area": "８９．５"}

    report = run(worker, community, [row(id_number="", **full_width)])

    assert report.ok is True
    assert Person.objects.get(community=community).phone == "13800000001"
    assert Unit.objects.get(community=community).area == 8950


def test_shop_without_building_belongs_to_the_estate(worker, community):
    report = run(
        worker, community, [row(building="", entrance="", number="S-1", kind="商铺", floor=1)]
    )

    assert report.ok is True
    unit = Unit.objects.get(community=community)
    assert (unit.kind, unit.building_id, unit.entrance_id) == ("shop", None, None)


def test_the_same_person_on_several_rows_is_one_person(worker, community):
    rows = [
        row(number="101", floor=1),
        # The same owner without the ID number: recognised by name and mobile number.
        row(number="102", floor=1, id_number=""),
        row(number="B-1", kind="车位", entrance="", floor=-1, area="12"),
    ]

    report = run(worker, community, rows)

    assert report.ok is True
    assert Person.objects.filter(community=community).count() == 1
    assert Ownership.objects.filter(community=community).count() == 3


def test_people_already_registered_are_linked_not_duplicated(worker, community):
    known = f.PersonFactory(
        community=community, name="张三", phone="13800000001", id_number=id_number(1)
    )
    phone_only = f.PersonFactory(
        community=community, name="李四", phone="13800000002", id_number=""
    )
    rows = [
        row(),
        row(number="302", name="李四", phone="13800000002", id_number=id_number(2), resides="否"),
    ]

    report = run(worker, community, rows)

    assert report.ok is True
    assert report.counts.persons == 0
    assert report.counts.persons_linked == 2
    assert set(
        Ownership.objects.filter(community=community).values_list("person_id", flat=True)
    ) == {
        known.pk,
        phone_only.pk,
    }
    phone_only.refresh_from_db()
    assert phone_only.id_number == ""  # nothing registered is changed


def test_existing_estate_building_and_entrance_are_reused(world):
    side = world.a
    rows = [row(estate=side.estate.name, building="24", entrance="1", number="201", floor=2)]

    report = run(side.users["worker"], side.community, rows)

    assert report.ok is True
    assert (
        report.counts.estates,
        report.counts.buildings,
        report.counts.entrances,
        report.counts.units,
    ) == (
        0,
        0,
        0,
        1,
    )
    assert Unit.objects.get(community=side.community, number="201").entrance_id == side.entrance.pk


# ---------------------------------------------------------------------------
# One bad row among many: nothing is imported


def test_one_bad_row_among_500_imports_nothing_and_reports_that_row_and_column(worker, community):
    rows = flats(500)
    rows[315]["area"] = "abc"  # Excel row 317: the headers are row 1

    report = run(worker, community, rows)

    assert report.ok is False
    assert problems(report) == [(317, "area", "area_invalid")]
    error = report.errors[0]
    assert (error.header, error.letter, error.value) == ("专有面积(㎡)", "G", "abc")
    assert report.counts.units == 0
    assert_nothing_written(community)


def test_error_rows_are_excel_rows_even_after_blank_lines(worker, community):
    rows = [row(number="101", floor=1), row(number="102", floor="x")]

    report = run(worker, community, rows, blank_rows_before={1: 2})

    assert problems(report) == [(5, "floor", "floor_invalid")]


def test_a_failed_write_leaves_nothing_behind(worker, community, monkeypatch):
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("simulated race")

    monkeypatch.setattr(Occupancy.objects, "bulk_create", refuse)

    with pytest.raises(LinliError) as caught:
        run(worker, community, valid_rows())

    assert (caught.value.code, caught.value.status) == ("roster_conflict", 409)
    assert_nothing_written(community)


# ---------------------------------------------------------------------------
# Every rule of a single row


BAD_ID = id_number(7)[:-1] + ("0" if id_number(7)[-1] != "0" else "1")

ROW_RULES = [
    ({"estate": ""}, "estate", "required"),
    ({"estate": "金" * 101}, "estate", "too_long"),
    ({"number": ""}, "number", "required"),
    ({"number": "1" * 21}, "number", "too_long"),
    ({"kind": ""}, "kind", "required"),
    ({"kind": "别墅"}, "kind", "choice"),
    ({"building": ""}, "building", "building_required"),
    ({"building": "", "kind": "车位", "entrance": "1"}, "entrance", "entrance_without_building"),
    ({"floor": ""}, "floor", "required"),
    ({"floor": "三楼"}, "floor", "floor_invalid"),
    ({"floor": "3.5"}, "floor", "floor_invalid"),
    ({"floor": 61}, "floor", "floor_invalid"),
    ({"floor": -6}, "floor", "floor_invalid"),
    ({"area": ""}, "area", "required"),
    ({"area": "abc"}, "area", "area_invalid"),
    ({"area": "0"}, "area", "area_invalid"),
    ({"area": "-3"}, "area", "area_invalid"),
    ({"area": "89.555"}, "area", "area_invalid"),
    ({"area": "100000"}, "area", "area_invalid"),
    ({"area_source": "估算"}, "area_source", "choice"),
    ({"relation": "朋友"}, "relation", "choice"),
    ({"relation": ""}, "relation", "relation_required"),
    ({"name": ""}, "name", "required"),
    ({"phone": "1380000000"}, "phone", "phone_invalid"),
    ({"phone": "23800000001"}, "phone", "phone_invalid"),
    ({"phone": "", "id_number": ""}, "phone", "identity_required"),
    ({"id_number": "33010219800101"}, "id_number", "id_number_format"),
    ({"id_number": "330102198002300016"}, "id_number", "id_number_birth_date"),
    ({"id_number": BAD_ID}, "id_number", "id_number_checksum"),
    ({"representative": "也许"}, "representative", "choice"),
    ({"developer": "已售"}, "developer", "choice"),
    ({"resides": "有时"}, "resides", "choice"),
    ({"relation": "租户", "representative": "是", "resides": ""}, "representative", "owner_only"),
    ({"relation": "家属", "representative": "", "resides": "是"}, "resides", "owner_only"),
    (
        {"relation": "租户", "representative": "", "resides": "", "developer": "未售"},
        "developer",
        "owner_only",
    ),
    (
        {"name": DEVELOPER, "developer": "未售", "id_number": credit_code(), "resides": "是"},
        "resides",
        "developer_resides",
    ),
    (
        {
            "name": DEVELOPER,
            "developer": "未售",
            "resides": "",
            "id_number": credit_code()[:-1] + "0",
        },
        "id_number",
        "credit_code_checksum",
    ),
    (
        {"name": DEVELOPER, "developer": "未交付", "resides": "", "id_number": "NOT-A-CODE"},
        "id_number",
        "credit_code_format",
    ),
]


@pytest.mark.parametrize(
    ("change", "column", "code"), ROW_RULES, ids=[f"{c}-{k}" for _, c, k in ROW_RULES]
)
def test_each_cell_rule_reports_its_row_column_and_code(worker, community, change, column, code):
    rows = [row(number="101", floor=1), row(**change)]

    report = run(worker, community, rows)

    assert report.ok is False
    assert problems(report) == [(3, column, code)]
    assert_nothing_written(community)


def test_id_number_stored_as_a_number_is_refused(worker, community):
    book = Workbook()
    ws = book.active
    ws.title = roster.SHEET_ROSTER
    ws.append(list(roster.HEADERS))
    values = row()
    # What Excel keeps of an 18-digit number typed into a number cell: 15 significant digits.
    values["id_number"] = 3.30102195001010e17
    ws.append([values[c.code] or None for c in roster.COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)

    report = roster.roster_import(actor=worker, community=community, file=buffer.getvalue())

    assert problems(report) == [(2, "id_number", "id_number_as_number")]


def test_messages_are_the_translated_msgids(worker, community):
    rows = [row(area="abc", phone="123")]

    with translation.override("zh-hans"):
        report = run(worker, community, rows)

    assert [(e.column, e.message) for e in report.errors] == [
        (
            "area",
            gettext(
                "Must be a number of square metres greater than 0 and below 100,000, with at most "
                "two decimals."
            ),
        ),
        ("phone", gettext("Must be an 11-digit mainland mobile number.")),
    ]


def test_messages_read_in_english_when_english_is_active(worker, community):
    with translation.override("en"):
        report = run(worker, community, [row(floor="99")])

    assert report.errors[0].message == "Must be a whole number from -5 to 60."


# ---------------------------------------------------------------------------
# Rules across rows and against the registry


def test_rows_of_one_unit_must_agree_on_floor_area_and_source(worker, community):
    rows = [
        row(),
        row(name="李四", phone="13800000002", id_number=id_number(2), representative="否", floor=4),
        row(
            name="王五", phone="13800000003", id_number=id_number(3), representative="否", area="90"
        ),
        row(
            name="赵六",
            phone="13800000004",
            id_number=id_number(4),
            representative="否",
            area_source="合同",
        ),
    ]

    report = run(worker, community, rows)

    assert problems(report) == [
        (3, "floor", "unit_conflict"),
        (4, "area", "unit_conflict"),
        (5, "area_source", "unit_conflict"),
    ]
    assert report.errors[0].message == gettext(
        "Row %(row)d gives this unit a different value (%(value)s)."
    ) % {
        "row": 2,
        "value": "3",
    }


def test_two_representatives_of_one_unit_are_refused(worker, community):
    rows = [
        row(),
        row(name="李四", phone="13800000002", id_number=id_number(2), representative="是"),
    ]

    report = run(worker, community, rows)

    assert problems(report) == [(3, "representative", "representative_twice")]


def test_co_owners_without_a_representative_are_refused(worker, community):
    rows = [
        row(representative="否"),
        row(name="李四", phone="13800000002", id_number=id_number(2), representative=""),
    ]

    report = run(worker, community, rows)

    assert problems(report) == [(2, "representative", "representative_missing")]


def test_a_bad_co_owner_row_does_not_also_report_the_representative(worker, community):
    rows = [
        row(representative="否"),
        row(name="李四", phone="123", id_number=id_number(2), representative="是"),
    ]

    report = run(worker, community, rows)

    assert problems(report) == [(3, "phone", "phone_invalid")]


def test_one_id_number_with_two_names_is_refused(worker, community):
    rows = [row(number="101", floor=1), row(number="102", floor=1, name="张叁")]

    report = run(worker, community, rows)

    assert problems(report) == [(3, "name", "person_conflict")]


def test_one_id_number_with_two_mobile_numbers_is_refused(worker, community):
    rows = [row(number="101", floor=1), row(number="102", floor=1, phone="13900000009")]

    report = run(worker, community, rows)

    assert problems(report) == [(3, "phone", "person_conflict")]


def test_the_same_person_twice_in_one_unit_is_refused(worker, community):
    rows = [row(), row(relation="家属", representative="", resides="")]

    report = run(worker, community, rows)

    assert problems(report) == [(3, "name", "duplicate_person")]


def test_a_unit_already_registered_is_refused_and_nothing_changes(world):
    side = world.a
    rows = [
        row(
            estate=side.estate.name,
            number="201",
            floor=2,
            phone="13800000011",
            id_number=id_number(11),
        ),
        row(estate=side.estate.name, number="101", floor=1),  # already registered in 甲
    ]
    before = Unit.objects.count(), Person.objects.count(), Ownership.objects.count()

    report = run(side.users["worker"], side.community, rows)

    assert problems(report) == [(3, "number", "unit_exists")]
    assert (Unit.objects.count(), Person.objects.count(), Ownership.objects.count()) == before


def test_a_unit_registered_in_another_community_is_not_a_conflict(world):
    rows = [row(estate=world.b.estate.name, number="101", floor=1)]

    report = run(world.a.users["worker"], world.a.community, rows)

    assert report.ok is True
    assert report.counts.estates == 1


def test_an_id_number_registered_under_another_name_is_refused(worker, community):
    f.PersonFactory(community=community, name="张叁", phone="13800000001", id_number=id_number(1))

    report = run(worker, community, [row()])

    assert problems(report) == [(2, "name", "person_registry_conflict")]
    assert Unit.objects.filter(community=community).count() == 0


# ---------------------------------------------------------------------------
# The file itself


def test_headers_may_come_in_any_order_with_full_width_brackets_and_known_aliases(
    worker, community
):
    codes = [column.code for column in reversed(roster.COLUMNS)]
    headers = [roster.COLUMN_BY_CODE[code].header for code in codes]
    headers[codes.index("area")] = "专有面积（㎡）"
    headers[codes.index("name")] = "业主姓名"
    book = Workbook()
    ws = book.active
    ws.append(headers)
    values = row()
    ws.append([values[code] or None for code in codes])
    buffer = io.BytesIO()
    book.save(buffer)

    report = roster.roster_import(actor=worker, community=community, file=buffer.getvalue())

    assert report.ok is True
    assert Unit.objects.get(community=community).area == 8950


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"not a workbook at all", "roster.xlsx", "roster_not_xlsx"),
        (b"PK\x03\x04 damaged zip", "roster.xlsx", "roster_corrupt"),
        (None, "roster.xls", "roster_not_xlsx"),
        (None, "truncated", "roster_corrupt"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_error(worker, community, content, name, code):
    good = workbook([row()])
    if name == "truncated":
        content, name = good[: len(good) // 2], "roster.xlsx"
    upload = SimpleUploadedFile(name, content if content is not None else good)

    with pytest.raises(LinliError) as caught:
        roster.roster_import(actor=worker, community=community, file=upload)

    assert (caught.value.code, caught.value.status) == (code, 400)
    assert caught.value.message
    assert_nothing_written(community)


def test_a_word_document_is_not_a_workbook(worker, community):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    with pytest.raises(LinliError) as caught:
        roster.roster_import(actor=worker, community=community, file=buffer.getvalue())

    assert caught.value.code == "roster_not_xlsx"


def test_a_file_over_the_upload_limit_is_refused(worker, community, settings):
    settings.LINLI_MAX_UPLOAD_BYTES = 1000

    with pytest.raises(LinliError) as caught:
        run(worker, community, [row()])

    assert caught.value.code == "roster_too_large"


def test_more_rows_than_the_limit_are_refused(worker, community, monkeypatch):
    monkeypatch.setattr(roster, "MAX_ROWS", 5)

    with pytest.raises(LinliError) as caught:
        run(worker, community, flats(6))

    assert caught.value.code == "roster_too_many_rows"
    assert_nothing_written(community)


def test_a_missing_header_column_is_named(worker, community):
    headers = tuple(h for h in roster.HEADERS if h != "楼层")

    with translation.override("en"), pytest.raises(LinliError) as caught:
        run(worker, community, [row()], headers=headers)

    assert caught.value.code == "roster_missing_columns"
    assert (
        caught.value.message
        == "Row 1 lacks the columns 楼层. Download the template and keep its headers."
    )


def test_a_file_with_only_headers_is_refused(worker, community):
    with pytest.raises(LinliError) as caught:
        run(worker, community, [])

    assert caught.value.code == "roster_empty"


def test_the_first_sheet_is_read_when_the_roster_sheet_is_renamed(worker, community):
    report = run(worker, community, [row()], sheet="Sheet1")

    assert report.ok is True


# ---------------------------------------------------------------------------
# Who may import, and at what cost


def test_only_staff_of_the_community_may_import(world):
    for user in (
        world.b.users["worker"],
        world.a.users["committee"],
        world.a.users["owner"],
        world.outsider,
    ):
        with pytest.raises(Forbidden):
            roster.roster_import(actor=user, community=world.a.community, file=workbook([row()]))
    assert not AuditLog.objects.filter(action="roster.import").exists()


def test_administrators_may_import(world):
    report = run(world.a.users["admin"], world.a.community, [row(number="901", floor=9)])

    assert report.ok is True


def test_import_queries_do_not_grow_with_the_number_of_rows(community):
    counts = []
    for size, start in ((10, 0), (100, 1000)):
        worker = f.RoleFactory(community=community).user
        data = workbook([{**r, "estate": f"小区{size}"} for r in flats(size, start=start)])
        with CaptureQueriesContext(connection) as queries:
            report = roster.roster_import(actor=worker, community=community, file=data)
        assert report.ok is True
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[1] <= 20
