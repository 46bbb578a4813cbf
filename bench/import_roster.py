"""Roster import benchmark: a generated 10,000-unit .xlsx imported into a fresh community.

Run on a migrated database (the configured one: SQLite by default, PostgreSQL with
DATABASE_URL). The workbook is realistic: three estates of 6-, 11- and 18-floor buildings with
two to three entrances, co-owners, owners living in their flat, family members, tenants, the
developer's unsold flats and spaces, garages under buildings, surface parking and shops.
It is written to a temporary directory, read back as an upload, and imported by the real
service (`linli.registry.roster.roster_import`). Prints one JSON line:
{"rows", "units", "seconds", "rows_per_second", ...}; the target is < 20 s.

    .venv/bin/python bench/import_roster.py
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402

from linli.accounts.models import Role, RoleAssignment, User  # noqa: E402
from linli.domain.idcard import credit_check_char, id_check_char  # noqa: E402
from linli.registry.models import Community, Street  # noqa: E402
from linli.registry.roster import COLUMNS, build_roster_workbook, roster_import  # noqa: E402

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红玉梅文斌浩宇欣怡子涵"
DEVELOPER = "杭州金狮置业有限公司"
CODES = [column.code for column in COLUMNS]


class People:
    """Distinct people with valid ID numbers and mobile numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seq = 0

    def new(self) -> dict[str, str]:
        self.seq += 1
        n = self.seq
        born = f"{1940 + n % 60}{1 + n % 12:02d}{1 + n % 28:02d}"
        # The sequence digits repeat every 1,000 people; the birth date keeps numbers apart.
        body = f"{330100 + (n // 1000) % 100:06d}{born}{n % 1000:03d}"
        name = self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
        )
        return {
            "name": name,
            "phone": f"13{n % 7 + 3}{n:08d}",
            "id_number": body + id_check_char(body),
        }


def developer_code() -> str:
    body = "91330100MA2AB1234"
    return body + credit_check_char(body)


def generate(rng: random.Random) -> tuple[list[list[Any]], int]:
    """The rows (values in COLUMNS order) and the number of distinct units."""
    people = People(rng)
    rows: list[list[Any]] = []
    units = 0
    flat_owners: list[dict[str, str]] = []

    def add(unit: dict[str, Any], person: dict[str, Any] | None = None) -> None:
        values = {**unit, **(person or {})}
        rows.append([values.get(code, "") for code in CODES])

    def owner(who: dict[str, str], *, representative: str, resides: str) -> dict[str, Any]:
        return {"relation": "业主", **who, "representative": representative, "resides": resides}

    estates = (
        # name, buildings, entrances, floors, flats per floor
        ("金狮苑", 40, 3, 6, 2),
        ("银湖花园", 30, 2, 18, 4),
        ("翠竹园", 25, 2, 11, 4),
    )
    for estate, buildings, entrances, floors, per_floor in estates:
        for b in range(1, buildings + 1):
            for e in range(1, entrances + 1):
                for floor in range(1, floors + 1):
                    for k in range(1, per_floor + 1):
                        units += 1
                        unit = {
                            "estate": estate,
                            "building": str(b),
                            "entrance": str(e),
                            "number": f"{floor}{k:02d}",
                            "kind": "住宅",
                            "floor": floor,
                            "area": f"{rng.randint(5500, 14000) / 100:.2f}",
                            "area_source": rng.choice(
                                ("不动产登记", "不动产登记", "不动产登记", "实测", "合同")
                            ),
                        }
                        roll = rng.random()
                        if roll < 0.02:
                            add(
                                unit,
                                {
                                    "relation": "业主",
                                    "name": DEVELOPER,
                                    "id_number": developer_code(),
                                    "developer": "未售",
                                    "representative": "是",
                                    "resides": "否",
                                },
                            )
                            continue
                        first = people.new()
                        flat_owners.append(first)
                        lives = rng.random() < 0.75
                        add(
                            unit, owner(first, representative="是", resides="是" if lives else "否")
                        )
                        if rng.random() < 0.15:
                            add(
                                unit,
                                owner(
                                    people.new(),
                                    representative="否",
                                    resides="是" if lives else "否",
                                ),
                            )
                        if lives and rng.random() < 0.3:
                            family = people.new()
                            if rng.random() < 0.5:
                                family = {"name": family["name"], "phone": "", "id_number": ""}
                            add(unit, {"relation": "家属", **family})
                        if not lives and rng.random() < 0.6:
                            add(unit, {"relation": "租户", **people.new()})
    # Garages under 银湖花园's buildings: 50 spaces each, most bought by flat owners.
    for b in range(1, 31):
        for n in range(1, 51):
            units += 1
            unit = {
                "estate": "银湖花园",
                "building": str(b),
                "number": f"B{n:03d}",
                "kind": "车位",
                "floor": -1,
                "area": f"{rng.randint(1200, 1500) / 100:.2f}",
                "area_source": "实测",
            }
            if rng.random() < 0.3:
                add(
                    unit,
                    {
                        "relation": "业主",
                        "name": DEVELOPER,
                        "id_number": developer_code(),
                        "developer": rng.choice(("未售", "未交付")),
                        "representative": "是",
                    },
                )
            else:
                add(unit, owner(rng.choice(flat_owners), representative="是", resides="否"))
    # Surface parking of 翠竹园, on the estate itself; some not sold to anyone on file.
    for n in range(1, 341):
        units += 1
        unit = {
            "estate": "翠竹园",
            "number": f"P{n:03d}",
            "kind": "车位",
            "floor": 0,
            "area": "12.50",
            "area_source": "不动产登记",
        }
        add(
            unit,
            owner(rng.choice(flat_owners), representative="是", resides="否")
            if rng.random() < 0.8
            else None,
        )
    # Street-front shops of 金狮苑, many let to tenants.
    for n in range(1, 201):
        units += 1
        unit = {
            "estate": "金狮苑",
            "number": f"S{n:03d}",
            "kind": "商铺",
            "floor": 1,
            "area": f"{rng.randint(2000, 20000) / 100:.2f}",
            "area_source": "合同",
        }
        add(unit, owner(people.new(), representative="是", resides="否"))
        if rng.random() < 0.7:
            add(unit, {"relation": "租户", **people.new()})
    return rows, units


def fresh_community() -> tuple[Community, User]:
    stamp = f"{int(time.time() * 1000)}"
    street, _ = Street.objects.get_or_create(code="bench-street", defaults={"name": "基准街道"})
    community = Community.objects.create(
        street=street, name=f"基准社区{stamp}", code=f"bench-{stamp}"
    )
    user = User.objects.create_user(phone=f"199{stamp[-8:]}", name="基准社工")
    RoleAssignment.objects.create(user=user, community=community, role=Role.WORKER)
    return community, user


def main() -> None:
    rng = random.Random(20261125)
    rows, units = generate(rng)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster-10000.xlsx"
        path.write_bytes(build_roster_workbook(rows))
        content = path.read_bytes()
    community, user = fresh_community()
    upload = SimpleUploadedFile("roster-10000.xlsx", content)
    started, cpu_started = time.perf_counter(), time.process_time()
    report = roster_import(actor=user, community=community, file=upload)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    if not report.ok:
        first = [(e.row, e.column, e.code, e.value) for e in report.errors[:5]]
        print(
            json.dumps(
                {"error": f"{report.error_count} errors, first: {first}"}, ensure_ascii=False
            )
        )
        sys.exit(1)
    counts = report.counts
    print(
        json.dumps(
            {
                "benchmark": "roster_import",
                "rows": counts.rows,
                "units": counts.units,
                "persons": counts.persons,
                "ownerships": counts.ownerships,
                "occupancies": counts.occupancies,
                "file_bytes": len(content),
                "seconds": round(seconds, 3),
                "rows_per_second": round(counts.rows / seconds, 1),
                # Time this process ran on a CPU: steadier than `seconds` on a busy machine.
                "cpu_seconds": round(cpu_seconds, 3),
                "target_seconds": 20,
                "database": connection.vendor,
            },
            ensure_ascii=False,
        )
    )
    assert counts.units == units, (counts.units, units)


if __name__ == "__main__":
    main()
