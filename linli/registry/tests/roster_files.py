"""Building roster workbooks for the roster tests, with plain openpyxl (not the code under test)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from linli.domain.idcard import credit_check_char, id_check_char
from linli.registry.roster import COLUMNS, HEADERS, SHEET_ROSTER

DEVELOPER = "金狮置业有限公司"


def id_number(seq: int) -> str:
    """A valid resident ID number, different for every seq below 50,000."""
    body = f"330102{1950 + seq // 1000}0101{seq % 1000:03d}"
    return body + id_check_char(body)


def credit_code(seq: int = 1) -> str:
    body = f"91330100MA2{seq:06d}"
    return body + credit_check_char(body)


OWNER: dict[str, Any] = {
    "estate": "金狮苑",
    "building": "24",
    "entrance": "1",
    "number": "301",
    "kind": "住宅",
    "floor": 3,
    "area": "89.50",
    "area_source": "不动产登记",
    "relation": "业主",
    "name": "张三",
    "phone": "13800000001",
    "id_number": id_number(1),
    "representative": "是",
    "developer": "",
    "resides": "是",
}


def row(**values: Any) -> dict[str, Any]:
    """An owner row of 金狮苑 24幢 1单元 301, with the given columns changed."""
    return {**OWNER, **values}


def unit_only(**values: Any) -> dict[str, Any]:
    person = {
        "relation": "",
        "name": "",
        "phone": "",
        "id_number": "",
        "representative": "",
        "resides": "",
    }
    return {**OWNER, **person, **values}


def workbook(
    rows: list[dict[str, Any]],
    *,
    headers: tuple[str, ...] = HEADERS,
    sheet: str = SHEET_ROSTER,
    blank_rows_before: dict[int, int] | None = None,
) -> bytes:
    """An .xlsx with the headers in row 1 and one row per dict (keys are column codes)."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(headers))
    codes = [column.code for column in COLUMNS]
    for index, values in enumerate(rows):
        for _ in range((blank_rows_before or {}).get(index, 0)):
            ws.append([])
        ws.append([_cell(values.get(code, "")) for code in codes[: len(headers)]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    return None if value == "" else value


def flats(count: int, *, start: int = 0) -> list[dict[str, Any]]:
    """`count` distinct flats, each with one resident owner: 100 per building, 20 per entrance."""
    rows = []
    for i in range(start, start + count):
        building, rest = divmod(i, 100)
        entrance, rest = divmod(rest, 20)
        floor, flat = divmod(rest, 2)
        rows.append(
            row(
                building=str(building + 1),
                entrance=str(entrance + 1),
                number=f"{floor + 1}0{flat + 1}",
                floor=floor + 1,
                area=f"{80 + i % 40}.{i % 100:02d}",
                name=f"业主{i}",
                phone=f"139{i:08d}",
                id_number=id_number(i),
            )
        )
    return rows
