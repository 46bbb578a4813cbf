"""Roster export and the empty template: the same format as the import, so that an export
imports into an empty community as the same registry."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from linli.core.errors import Forbidden
from linli.core.models import AuditLog
from linli.registry import roster
from linli.registry.models import Occupancy, Ownership, Person, Unit
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


def rich_rows() -> list[dict[str, Any]]:
    return [
        row(),
        row(
            name="李四",
            phone="13800000002",
            id_number=id_number(2),
            representative="否",
            resides="否",
        ),
        row(relation="家属", name="张小三", phone="", id_number="", representative="", resides=""),
        row(
            number="302",
            area="75.2",
            relation="租户",
            name="王五",
            phone="13800000003",
            id_number="",
            representative="",
            resides="",
        ),
        row(
            number="401",
            floor=4,
            area_source="合同",
            name="赵六",
            phone="13800000004",
            id_number="",
            resides="否",
        ),
        unit_only(number="402", floor=4, area="101.01", area_source="实测"),
        row(
            building="24",
            entrance="",
            number="B-12",
            kind="车位",
            floor=-1,
            area="12.5",
            name=DEVELOPER,
            phone="",
            id_number=credit_code(),
            representative="",
            developer="未售",
            resides="",
        ),
        row(
            building="",
            entrance="",
            number="S-3",
            kind="商铺",
            floor=1,
            area="40",
            name=DEVELOPER,
            phone="",
            id_number=credit_code(),
            representative="",
            developer="未交付",
            resides="",
        ),
        row(estate="银狮苑", building="3", entrance="2", number="1101", floor=11),
    ]


def snapshot(community: Any) -> dict[str, Any]:
    def place(unit: Unit) -> tuple[str, ...]:
        return (
            unit.estate.name,
            unit.building.number if unit.building else "",
            unit.entrance.number if unit.entrance else "",
            unit.kind,
            unit.number,
        )

    units = Unit.objects.filter(community=community).select_related(
        "estate", "building", "entrance"
    )
    owners = Ownership.objects.filter(community=community).select_related(
        "person", "unit__estate", "unit__building", "unit__entrance"
    )
    occupants = Occupancy.objects.filter(community=community).select_related(
        "person", "unit__estate", "unit__building", "unit__entrance"
    )
    return {
        "units": sorted((*place(u), u.floor, u.area, u.area_source) for u in units),
        "owners": sorted(
            (
                *place(o.unit),
                o.person.name,
                o.person.phone,
                o.person.id_number,
                o.person.kind,
                o.person.is_developer,
                o.is_representative,
                o.developer_status,
            )
            for o in owners
        ),
        "occupants": sorted(
            (*place(o.unit), o.person.name, o.person.phone, o.person.id_number, o.relation)
            for o in occupants
        ),
        "persons": Person.objects.filter(community=community).count(),
    }


def sheet_rows(content: bytes, sheet: str = roster.SHEET_ROSTER) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content))
    return [tuple(r) for r in book[sheet].iter_rows(values_only=True)]


def test_export_then_import_into_an_empty_community_gives_the_same_registry():
    first = f.CommunityFactory()
    worker = f.RoleFactory(community=first).user
    assert roster.roster_import(actor=worker, community=first, file=workbook(rich_rows())).ok
    second = f.CommunityFactory()
    second_worker = f.RoleFactory(community=second).user

    exported = roster.roster_export(community=first)
    report = roster.roster_import(actor=second_worker, community=second, file=exported)

    assert report.ok, report.errors
    assert snapshot(second) == snapshot(first)
    assert snapshot(first)["persons"] == 6
    assert len(snapshot(first)["units"]) == 7


def test_export_has_one_row_per_link_and_one_per_empty_unit():
    community = f.CommunityFactory()
    worker = f.RoleFactory(community=community).user
    roster.roster_import(actor=worker, community=community, file=workbook(rich_rows()))

    rows = sheet_rows(roster.roster_export(community=community))

    assert rows[0] == roster.HEADERS
    assert rows[1:4] == [
        (
            "金狮苑",
            "24",
            "1",
            "301",
            "住宅",
            3,
            89.5,
            "不动产登记",
            "业主",
            "张三",
            "13800000001",
            id_number(1),
            "是",
            None,
            "是",
        ),
        (
            "金狮苑",
            "24",
            "1",
            "301",
            "住宅",
            3,
            89.5,
            "不动产登记",
            "业主",
            "李四",
            "13800000002",
            id_number(2),
            "否",
            None,
            "否",
        ),
        (
            "金狮苑",
            "24",
            "1",
            "301",
            "住宅",
            3,
            89.5,
            "不动产登记",
            "家属",
            "张小三",
            None,
            None,
            None,
            None,
            None,
        ),
    ]
    assert (
        "金狮苑",
        "24",
        "1",
        "402",
        "住宅",
        4,
        101.01,
        "实测",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ) in rows
    assert len(rows) == 1 + 9


def test_an_owner_living_in_a_unit_they_no_longer_own_is_exported_as_family():
    unit = f.UnitFactory(number="101", floor=1)
    person = f.PersonFactory(
        community=unit.community, name="钱七", phone="13800000007", id_number=""
    )
    f.OccupancyFactory(unit=unit, person=person, relation=Occupancy.Relation.OWNER)

    rows = sheet_rows(roster.roster_export(community=unit.community))

    assert rows[1][8:11] == ("家属", "钱七", "13800000007")


def test_export_of_an_empty_community_has_only_the_headers():
    rows = sheet_rows(roster.roster_export(community=f.CommunityFactory()))

    assert rows == [roster.HEADERS]


def test_export_by_staff_is_audited_and_refused_to_others(world):
    roster.roster_export(community=world.a.community, actor=world.a.users["worker"])

    audit = AuditLog.objects.get(action="roster.export")
    assert (audit.actor_id, audit.community_id) == (
        world.a.users["worker"].pk,
        world.a.community.pk,
    )
    for user in (world.b.users["worker"], world.a.users["committee"], world.a.users["owner"]):
        with pytest.raises(Forbidden):
            roster.roster_export(community=world.a.community, actor=user)
    assert AuditLog.objects.filter(action="roster.export").count() == 1


def test_export_queries_do_not_grow_with_the_number_of_units():
    counts = []
    for size in (5, 60):
        community = f.CommunityFactory()
        worker = f.RoleFactory(community=community).user
        roster.roster_import(actor=worker, community=community, file=workbook(flats(size)))
        with CaptureQueriesContext(connection) as queries:
            roster.roster_export(community=community)
        counts.append(len(queries))

    assert counts == [3, 3]


def test_template_has_the_headers_and_no_rows():
    content = roster.roster_template()

    assert sheet_rows(content) == [roster.HEADERS]
    assert roster.HEADERS == (
        "小区",
        "楼幢",
        "单元",
        "房号",
        "类型",
        "楼层",
        "专有面积(㎡)",
        "面积来源",
        "住户关系",
        "姓名",
        "手机号码",
        "证件号码",
        "是否代表",
        "开发商状态",
        "是否居住",
    )


def test_template_freezes_the_header_and_offers_lists_for_enum_columns():
    book = load_workbook(io.BytesIO(roster.roster_template()))
    sheet = book[roster.SHEET_ROSTER]

    assert book.sheetnames == [roster.SHEET_ROSTER, roster.SHEET_HELP]
    assert sheet.freeze_panes == "A2"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {
        "E2:E20001": '"住宅,车位,商铺"',
        "H2:H20001": '"不动产登记,实测,合同"',
        "I2:I20001": '"业主,家属,租户"',
        "M2:M20001": '"是,否"',
        "N2:N20001": '"未售,未交付"',
        "O2:O20001": '"是,否"',
    }
    assert sheet.column_dimensions["L"].width == 22
    assert sheet.column_dimensions["L"].number_format == "@"


def test_template_explains_every_column():
    rows = sheet_rows(roster.roster_template(), roster.SHEET_HELP)

    explained = {r[0]: r[2] for r in rows if r and r[0] in roster.HEADERS}
    assert set(explained) == set(roster.HEADERS)
    assert explained["类型"] == "住宅、车位、商铺"
    assert explained["开发商状态"] == "未售、未交付"


def test_the_template_filled_in_imports():
    book = load_workbook(io.BytesIO(roster.roster_template()))
    sheet = book[roster.SHEET_ROSTER]
    values = row()
    sheet.append([values[c.code] or None for c in roster.COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    community = f.CommunityFactory()
    worker = f.RoleFactory(community=community).user

    report = roster.roster_import(actor=worker, community=community, file=buffer.getvalue())

    assert report.ok, report.errors
    assert report.counts.units == 1
