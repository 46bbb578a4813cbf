"""The roster (.xlsx): import, export and the empty template of units and the people in them.

The format is one sheet, 房屋与业主, whose first row holds fixed Chinese headers (below). One
row is one unit plus at most one person linked to it:

- 住户关系 = 业主: the person owns the unit (an `Ownership`). Co-owners are several rows of the
  same unit, exactly one of them with 是否代表 = 是 (a sole owner may leave it empty). 是否居住 =
  是 also records that the owner lives there (an `Occupancy` with relation owner). 开发商状态
  (未售/未交付) marks the developer's own units; the developer is recorded as an organisation.
- 住户关系 = 家属 or 租户: the person lives in the unit (an `Occupancy`).
- 住户关系 empty: the unit alone, without people.

A unit is identified by 小区 + 楼幢 + 单元 + 类型 + 房号; every row of one unit must agree on its
floor, area and area source. Parking spaces and shops may leave 楼幢 and 单元 empty; a parking
space may name a building (the garage under building 24) and leave 单元 empty.

Import rules, all stated on the roster page and in the template's 说明 sheet:
- estates, buildings and entrances that do not exist yet are created in the importing community;
- the import only adds units: a unit already registered in the community is an error, and
  nothing that exists is changed (people already registered are linked, not edited);
- people are recognised across rows and against the registry by ID number, otherwise by name
  plus mobile number (the developer by its name); an owner needs one of the two;
- all or nothing: every cell is checked first, and only a file without a single error is
  written, in one transaction, with one audit row.

The headers and the allowed values are fixed Chinese text, because they are the file format
and must read back whatever the interface language; the explanations and the error messages go
through gettext like all UI text.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from linli.accounts.selectors import is_staff_in
from linli.core.audit import audit_record
from linli.core.errors import Conflict, Forbidden, LinliError, NotFound
from linli.domain.idcard import IdNumberError, validate_credit_code, validate_id_number
from linli.domain.units import AmountError, parse_hundredths
from linli.registry.models import (
    Building,
    Community,
    Entrance,
    Estate,
    Occupancy,
    Ownership,
    Person,
    Unit,
    natural_key,
)

SHEET_ROSTER = "房屋与业主"
SHEET_HELP = "说明"
MAX_ROWS = 20_000
# A zip bomb stops here: the unpacked workbook may be at most this large.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# More errors than this are counted but not listed.
MAX_LISTED_ERRORS = 1_000
BATCH_SIZE = 1_000
FLOOR_MIN, FLOOR_MAX = -5, 60
AREA_MAX = 10_000_000  # hundredths of m²: 100,000 m²
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Allowed values: the file's Chinese words → the model's codes.
KIND_VALUES = {"住宅": Unit.Kind.FLAT, "车位": Unit.Kind.PARKING, "商铺": Unit.Kind.SHOP}
AREA_SOURCE_VALUES = {
    "不动产登记": Unit.AreaSource.REGISTER,
    "实测": Unit.AreaSource.SURVEYED,
    "合同": Unit.AreaSource.CONTRACT,
}
RELATION_VALUES = {
    "业主": Occupancy.Relation.OWNER,
    "家属": Occupancy.Relation.FAMILY,
    "租户": Occupancy.Relation.TENANT,
}
YES_NO_VALUES = {"是": True, "否": False}
DEVELOPER_VALUES = {
    "未售": Ownership.DeveloperStatus.UNSOLD,
    "未交付": Ownership.DeveloperStatus.UNDELIVERED,
}


def _label_of(values: dict[str, Any], code: Any) -> str:
    for word, value in values.items():
        if value == code:
            return word
    return ""


@dataclass(frozen=True)
class Column:
    """One column of the roster sheet: a stable code, the fixed Chinese header, an explanation."""

    code: str
    header: str
    label: str | Promise
    help: str | Promise
    required: bool = False
    choices: tuple[str, ...] = ()
    width: int = 12
    text: bool = True
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "estate",
        "小区",
        gettext_lazy("Estate"),
        gettext_lazy(
            "The estate's name. A name not yet registered creates the estate in this community."
        ),
        required=True,
        width=16,
    ),
    Column(
        "building",
        "楼幢",
        gettext_lazy("Building"),
        gettext_lazy(
            "The building number, e.g. 24 (24幢 also works). Required for flats; parking spaces "
            "and shops "
            "may leave it empty. A new number creates the building."
        ),
        width=8,
        aliases=("楼栋", "楼号", "幢"),
    ),
    Column(
        "entrance",
        "单元",
        gettext_lazy("Entrance"),
        gettext_lazy(
            "The entrance (stairwell) number, e.g. 1 (1单元 also works). Leave empty for a "
            "building without entrances, and for parking spaces and shops. A new number creates "
            "the entrance."
        ),
        width=8,
    ),
    Column(
        "number",
        "房号",
        gettext_lazy("Unit number"),
        gettext_lazy(
            "The flat, space or shop number, e.g. 301, B-12. Co-owners and occupants repeat it."
        ),
        required=True,
        width=10,
        aliases=("室号",),
    ),
    Column(
        "kind",
        "类型",
        gettext_lazy("Kind"),
        gettext_lazy("Flat, parking space or shop."),
        required=True,
        choices=tuple(KIND_VALUES),
        width=8,
    ),
    Column(
        "floor",
        "楼层",
        gettext_lazy("Floor"),
        gettext_lazy("A whole number from -5 to 60; basement floors are negative, e.g. -1."),
        required=True,
        width=8,
        text=False,
    ),
    Column(
        "area",
        "专有面积(㎡)",
        gettext_lazy("Exclusive area (m²)"),
        gettext_lazy("Greater than 0, at most two decimals, e.g. 89.50."),
        required=True,
        width=14,
        text=False,
        aliases=("专有面积", "专有面积(m²)", "专有面积(m2)", "专有面积(平方米)"),
    ),
    Column(
        "area_source",
        "面积来源",
        gettext_lazy("Area source"),
        gettext_lazy(
            "Property register, surveyed or sales contract. Empty means the property register."
        ),
        choices=tuple(AREA_SOURCE_VALUES),
        width=12,
    ),
    Column(
        "relation",
        "住户关系",
        gettext_lazy("Relation"),
        gettext_lazy(
            "Owner, family member or tenant. Leave it and every column after it empty for a unit "
            "without people."
        ),
        choices=tuple(RELATION_VALUES),
        width=10,
    ),
    Column(
        "name",
        "姓名",
        gettext_lazy("Name"),
        gettext_lazy(
            "The person's name (or the developer's company name). Required when a relation is "
            "given."
        ),
        width=12,
        aliases=("业主姓名",),
    ),
    Column(
        "phone",
        "手机号码",
        gettext_lazy("Mobile number"),
        gettext_lazy(
            "An 11-digit mainland mobile number. An owner needs a mobile number or an ID number, "
            "so that the "
            "same person is recognised on every row."
        ),
        width=14,
        aliases=("手机", "手机号", "业主手机", "联系电话"),
    ),
    Column(
        "id_number",
        "证件号码",
        gettext_lazy("ID number"),
        gettext_lazy(
            "An 18-character resident ID number (its check digit is verified); for the developer, "
            "its unified "
            "social credit code. Format the column as text, or Excel loses digits."
        ),
        width=22,
        aliases=("身份证号", "身份证号码"),
    ),
    Column(
        "representative",
        "是否代表",
        gettext_lazy("Representative"),
        gettext_lazy(
            "Owner rows only. Co-owners of one unit mark exactly one of them as representative; a "
            "sole owner "
            "may leave it empty."
        ),
        choices=tuple(YES_NO_VALUES),
        width=10,
    ),
    Column(
        "developer",
        "开发商状态",
        gettext_lazy("Developer's unit"),
        gettext_lazy(
            "Owner rows only: unsold or not yet delivered when the owner is the developer; "
            "otherwise empty."
        ),
        choices=tuple(DEVELOPER_VALUES),
        width=12,
    ),
    Column(
        "resides",
        "是否居住",
        gettext_lazy("Lives here"),
        gettext_lazy("Owner rows only: yes when the owner also lives in the unit. Empty means no."),
        choices=tuple(YES_NO_VALUES),
        width=10,
    ),
)
COLUMN_BY_CODE = {column.code: column for column in COLUMNS}
HEADERS = tuple(column.header for column in COLUMNS)

# What the roster page and the 说明 sheet say about the import as a whole.
RULES: tuple[Promise, ...] = (
    gettext_lazy(
        "One row is one unit and at most one person: an owner, a family member or a tenant."
    ),
    gettext_lazy(
        "Co-owners are several rows of the same unit; exactly one of them is the representative."
    ),
    gettext_lazy(
        "Estates, buildings and entrances that are not registered yet are created in this "
        "community."
    ),
    gettext_lazy(
        "The import only adds units. A unit that is already registered is reported as an error, "
        "and nothing "
        "registered is changed; people already registered are linked by ID number or by name and "
        "mobile number."
    ),
    gettext_lazy(
        "All or nothing: every cell is checked first. If any row has an error, nothing is "
        "imported and each "
        "error is listed with its row and column."
    ),
    gettext_lazy("At most 20,000 rows per file. Row 1 holds the headers and must not be changed."),
)


# ---------------------------------------------------------------------------
# The report


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: the Excel row (headers are row 1), the column and a stable code."""

    row: int
    column: str  # the column's code, e.g. "area"
    value: str
    code: str
    message: str

    @property
    def header(self) -> str:
        return COLUMN_BY_CODE[self.column].header

    @property
    def letter(self) -> str:
        return get_column_letter(_COLUMN_INDEX[self.column] + 1)


_COLUMN_INDEX = {column.code: index for index, column in enumerate(COLUMNS)}


@dataclass(frozen=True)
class ImportCounts:
    """What an import created (`persons_linked`: people already registered, linked not made)."""

    rows: int = 0
    estates: int = 0
    buildings: int = 0
    entrances: int = 0
    units: int = 0
    persons: int = 0
    persons_linked: int = 0
    ownerships: int = 0
    occupancies: int = 0


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one import. `ok` False means nothing was written; `errors` says why
    (at most MAX_LISTED_ERRORS of them, `error_count` counts them all)."""

    ok: bool
    counts: ImportCounts
    errors: tuple[RowError, ...] = ()
    error_count: int = 0

    @property
    def truncated(self) -> bool:
        return self.error_count > len(self.errors)


class _Errors:
    def __init__(self) -> None:
        self.items: list[RowError] = []
        self.count = 0

    def add(self, row: int, column: str, value: str, code: str, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_LISTED_ERRORS:
            self.items.append(
                RowError(row=row, column=column, value=value, code=code, message=message)
            )

    def sorted(self) -> tuple[RowError, ...]:
        return tuple(sorted(self.items, key=lambda e: (e.row, _COLUMN_INDEX[e.column])))


# ---------------------------------------------------------------------------
# Reading the file


def _file_error(message: str, code: str) -> LinliError:
    return LinliError(message, code=code)


def _read_upload(file: IO[bytes] | bytes) -> bytes:
    limit = settings.LINLI_MAX_UPLOAD_BYTES
    too_large = _file_error(
        _("The file is larger than %(size)s MB.") % {"size": f"{limit / 1024 / 1024:g}"},
        "roster_too_large",
    )
    if isinstance(file, bytes):
        data = file
    else:
        name = str(getattr(file, "name", "") or "")
        if name and not name.lower().endswith(".xlsx"):
            raise _file_error(_("Please upload an Excel workbook (.xlsx)."), "roster_not_xlsx")
        size = getattr(file, "size", None)
        if size is not None and size > limit:
            raise too_large
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return data


def _open_workbook(data: bytes) -> Any:
    not_xlsx = _file_error(
        _(
            "This is not an Excel workbook (.xlsx). Save it from Excel or WPS as .xlsx and upload "
            "it again."
        ),
        "roster_not_xlsx",
    )
    if not data.startswith(b"PK\x03\x04"):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _corrupt() from exc
    if "xl/workbook.xml" not in names:
        raise not_xlsx
    if unpacked > MAX_UNPACKED_BYTES:
        raise _file_error(_("The workbook is too large once unpacked."), "roster_too_large")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise _corrupt() from exc


def _corrupt() -> LinliError:
    return _file_error(
        _(
            "The workbook is damaged and cannot be read. Open it in Excel or WPS, save it again "
            "and retry."
        ),
        "roster_corrupt",
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


_HEADER_SPACES = re.compile(r"\s+")


def _normalise_header(value: Any) -> str:
    text = _HEADER_SPACES.sub("", _cell_text(value))
    return text.replace("（", "(").replace("）", ")").replace("m²", "㎡").replace("M²", "㎡")


_HEADER_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.aliases):
        _HEADER_LOOKUP[_normalise_header(_name)] = _column.code


@dataclass
class _Raw:
    row: int
    cells: dict[str, Any]
    text: dict[str, str]


def _read_rows(data: bytes) -> list[_Raw]:
    """The non-empty data rows of the roster sheet, with the header checked."""
    workbook = _open_workbook(data)
    try:
        sheet = (
            workbook[SHEET_ROSTER]
            if SHEET_ROSTER in workbook.sheetnames
            else workbook.worksheets[0]
        )
        # Some writers declare a wrong sheet size; read what is really there.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        positions = _header_positions(header or ())
        result: list[_Raw] = []
        for offset, values in enumerate(rows):
            cells = {
                code: (values[i] if i < len(values) else None) for code, i in positions.items()
            }
            text = {code: _cell_text(value) for code, value in cells.items()}
            if not any(text.values()):
                continue
            if len(result) >= MAX_ROWS:
                raise _file_error(
                    _("The file has more than %(max)s rows; split it into several files.")
                    % {"max": f"{MAX_ROWS:,}"},
                    "roster_too_many_rows",
                )
            result.append(_Raw(row=offset + 2, cells=cells, text=text))
    except LinliError:
        raise
    except Exception as exc:
        raise _corrupt() from exc
    finally:
        workbook.close()
    if not result:
        raise _file_error(_("The file has no rows below the headers."), "roster_empty")
    return result


def _header_positions(header: Sequence[Any]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        code = _HEADER_LOOKUP.get(_normalise_header(value))
        if code is None:
            continue
        if code in positions:
            raise _file_error(
                _("The column %(column)s appears twice in row 1.")
                % {"column": COLUMN_BY_CODE[code].header},
                "roster_duplicate_column",
            )
        positions[code] = index
    missing = [column.header for column in COLUMNS if column.code not in positions]
    if missing:
        raise _file_error(
            _("Row 1 lacks the columns %(columns)s. Download the template and keep its headers.")
            % {"columns": "、".join(missing)},
            "roster_missing_columns",
        )
    return positions


# ---------------------------------------------------------------------------
# Checking each row


@dataclass
class _Row:
    row: int
    text: dict[str, str]
    estate: str = ""
    building: str = ""
    entrance: str = ""
    number: str = ""
    kind: str | None = None
    floor: int | None = None
    area: int | None = None
    area_source: str | None = None
    relation: str = ""
    name: str = ""
    phone: str = ""
    id_number: str = ""
    representative: bool | None = None
    developer: str = ""
    resides: bool = False
    place_ok: bool = True
    person_ok: bool = True

    @property
    def unit_key(self) -> tuple[str, str, str, str, str]:
        return (self.estate, self.building, self.entrance, str(self.kind), self.number)


_BUILDING_SUFFIXES = ("号楼", "幢", "栋", "楼")
_PHONE = re.compile(r"1[3-9][0-9]{9}")
_PHONE_NOISE = re.compile(r"[\s\-]")
_INTEGER = re.compile(r"[+-]?[0-9]+")


def _ascii(text: str) -> str:
    """Full-width digits, letters and signs, as a Chinese input method types them, in ASCII."""
    return unicodedata.normalize("NFKC", text)


def _strip_suffix(text: str, suffixes: Sequence[str]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


class _RowChecker:
    def __init__(self, errors: _Errors, today: dt.date) -> None:
        self.errors = errors
        self.today = today

    def error(self, row: _Row, column: str, code: str, message: str) -> None:
        self.errors.add(row.row, column, row.text.get(column, ""), code, message)

    def text(
        self, row: _Row, column: str, max_length: int, *, required: bool = False
    ) -> str | None:
        value = row.text[column]
        if not value:
            if required:
                self.error(row, column, "required", _("This cell must not be empty."))
                return None
            return ""
        if len(value) > max_length:
            self.error(
                row, column, "too_long", _("At most %(max)d characters.") % {"max": max_length}
            )
            return None
        return value

    def choice(
        self, row: _Row, column: str, values: dict[str, Any], *, required: bool = False
    ) -> Any:
        value = row.text[column]
        if not value:
            if required:
                self.error(row, column, "required", _("This cell must not be empty."))
            return None
        if value not in values:
            self.error(
                row,
                column,
                "choice",
                _("Must be one of: %(choices)s.") % {"choices": "、".join(values)},
            )
            return None
        return values[value]

    def check(self, raw: _Raw) -> _Row:
        row = _Row(row=raw.row, text=raw.text)
        self.check_place(row)
        self.check_person(row, raw)
        return row

    def check_place(self, row: _Row) -> None:
        estate = self.text(row, "estate", 100, required=True)
        building = self.text(row, "building", 20)
        entrance = self.text(row, "entrance", 20)
        number = self.text(row, "number", 20, required=True)
        kind = self.choice(row, "kind", KIND_VALUES, required=True)
        row.estate = estate or ""
        row.building = _strip_suffix(building or "", _BUILDING_SUFFIXES)
        row.entrance = _strip_suffix(entrance or "", ("单元",))
        row.number = number or ""
        row.kind = kind
        row.place_ok = None not in (estate, building, entrance, number, kind)
        if row.place_ok and kind == Unit.Kind.FLAT and not row.building:
            self.error(row, "building", "building_required", _("A flat needs a building number."))
            row.place_ok = False
        if row.place_ok and row.entrance and not row.building:
            self.error(
                row,
                "entrance",
                "entrance_without_building",
                _("An entrance needs a building number."),
            )
            row.place_ok = False
        row.floor = self.floor(row)
        row.area = self.area(row)
        source = self.choice(row, "area_source", AREA_SOURCE_VALUES)
        if source is not None or not row.text["area_source"]:
            row.area_source = source or Unit.AreaSource.REGISTER

    def floor(self, row: _Row) -> int | None:
        text = _ascii(row.text["floor"])
        if not text:
            self.error(row, "floor", "required", _("This cell must not be empty."))
            return None
        floor = int(text) if _INTEGER.fullmatch(text) else None
        if floor is None or not FLOOR_MIN <= floor <= FLOOR_MAX:
            self.error(
                row,
                "floor",
                "floor_invalid",
                _("Must be a whole number from %(min)d to %(max)d.")
                % {"min": FLOOR_MIN, "max": FLOOR_MAX},
            )
            return None
        return floor

    def area(self, row: _Row) -> int | None:
        text = _ascii(row.text["area"])
        if not text:
            self.error(row, "area", "required", _("This cell must not be empty."))
            return None
        try:
            area = parse_hundredths(text)
        except AmountError:
            area = 0
        if not 0 < area < AREA_MAX:
            self.error(
                row,
                "area",
                "area_invalid",
                _(
                    "Must be a number of square metres greater than 0 and below 100,000, with at "
                    "most two decimals."
                ),
            )
            return None
        return area

    def check_person(self, row: _Row, raw: _Raw) -> None:
        relation = self.choice(row, "relation", RELATION_VALUES)
        if relation is None:
            row.person_ok = False
            person_columns = (
                "name",
                "phone",
                "id_number",
                "representative",
                "developer",
                "resides",
            )
            if not row.text["relation"] and any(row.text[c] for c in person_columns):
                self.error(
                    row,
                    "relation",
                    "relation_required",
                    _("A person is given on this row, so the relation must be filled in."),
                )
            return
        row.relation = relation
        if relation == Occupancy.Relation.OWNER:
            self.check_owner_columns(row)
        else:
            for column in ("representative", "developer", "resides"):
                if row.text[column]:
                    self.error(
                        row,
                        column,
                        "owner_only",
                        _("Only owner rows may fill this column; leave it empty."),
                    )
                    row.person_ok = False
        name = self.text(row, "name", 100, required=True)
        phone = self.phone(row)
        id_number = self.id_number(row, raw.cells["id_number"])
        if name is None or phone is None or id_number is None:
            row.person_ok = False
        row.name, row.phone, row.id_number = name or "", phone or "", id_number or ""
        anonymous = not row.text["phone"] and not row.text["id_number"]
        if relation == Occupancy.Relation.OWNER and not row.developer and anonymous:
            self.error(
                row,
                "phone",
                "identity_required",
                _(
                    "An owner needs a mobile number or an ID number, so that the same person "
                    "is recognised."
                ),
            )
            row.person_ok = False

    def check_owner_columns(self, row: _Row) -> None:
        representative = self.choice(row, "representative", YES_NO_VALUES)
        developer = self.choice(row, "developer", DEVELOPER_VALUES)
        resides = self.choice(row, "resides", YES_NO_VALUES)
        for column, value in (
            ("representative", representative),
            ("developer", developer),
            ("resides", resides),
        ):
            if value is None and row.text[column]:
                row.person_ok = False
        row.representative = representative
        row.developer = developer or ""
        row.resides = bool(resides)
        if row.developer and row.resides:
            self.error(
                row, "resides", "developer_resides", _("The developer does not live in a unit.")
            )
            row.person_ok = False

    def phone(self, row: _Row) -> Any:
        text = _PHONE_NOISE.sub("", _ascii(row.text["phone"]))
        if text.startswith("+86"):
            text = text[3:]
        if not text:
            return ""
        if not _PHONE.fullmatch(text):
            self.error(
                row, "phone", "phone_invalid", _("Must be an 11-digit mainland mobile number.")
            )
            return None
        return text

    def id_number(self, row: _Row, value: Any) -> Any:
        text = _ascii(row.text["id_number"])
        if not text:
            return ""
        if isinstance(value, float):
            self.error(
                row,
                "id_number",
                "id_number_as_number",
                _(
                    "Excel stored this ID number as a number and lost digits. Format the column "
                    "as text and type it again."
                ),
            )
            return None
        if row.developer:
            try:
                return validate_credit_code(text)
            except IdNumberError as exc:
                if exc.reason == "checksum":
                    message = _("The check character is wrong; the credit code has a typo.")
                    self.error(row, "id_number", "credit_code_checksum", message)
                else:
                    message = _("Must be an 18-character unified social credit code.")
                    self.error(row, "id_number", "credit_code_format", message)
                return None
        try:
            return validate_id_number(text, today=self.today)
        except IdNumberError as exc:
            messages = {
                "format": _("Must be an 18-character resident ID number."),
                "birth_date": _("The date of birth in this ID number is not possible."),
                "checksum": _("The check digit is wrong; the ID number has a typo."),
            }
            self.error(row, "id_number", f"id_number_{exc.reason}", messages[exc.reason])
            return None


# ---------------------------------------------------------------------------
# Checking rows against each other and against the registry


@dataclass
class _PlannedUnit:
    first: _Row
    owners: list[_Row] = field(default_factory=list)
    occupants: list[_Row] = field(default_factory=list)
    # An owner row of this unit failed its own checks: who represents it cannot be judged.
    incomplete: bool = False


@dataclass
class _PlannedPerson:
    ref: int
    first: _Row
    key: tuple[str, ...]
    is_developer: bool
    phone: str = ""
    id_number: str = ""
    existing_id: int | None = None


def _check_units(rows: list[_Row], errors: _Errors) -> dict[tuple[str, ...], _PlannedUnit]:
    """Group rows by unit; every row of one unit must agree on floor, area and area source."""
    units: dict[tuple[str, ...], _PlannedUnit] = {}
    for row in rows:
        if not row.place_ok:
            continue
        planned = units.get(row.unit_key)
        if planned is None:
            units[row.unit_key] = _PlannedUnit(first=row)
            continue
        first = planned.first
        for column in ("floor", "area", "area_source"):
            mine, theirs = getattr(row, column), getattr(first, column)
            if mine is not None and theirs is not None and mine != theirs:
                errors.add(
                    row.row,
                    column,
                    row.text[column],
                    "unit_conflict",
                    _("Row %(row)d gives this unit a different value (%(value)s).")
                    % {"row": first.row, "value": first.text[column] or "—"},
                )
    return units


def _person_key(row: _Row) -> tuple[str, ...] | None:
    if row.id_number:
        return ("id", row.id_number)
    if row.developer:
        return ("developer", row.name)
    if row.phone:
        return ("phone", row.name, row.phone)
    return None


def _check_people(rows: list[_Row], errors: _Errors) -> dict[int, _PlannedPerson]:
    """Decide who is who: {Excel row: person}. The same ID number is the same person; without
    one, the same name and mobile number (the developer: the same name). Rows with an ID
    number go first, so that a row with only the name and mobile number of someone whose ID
    number appears on another row joins that person. A row with neither is a person of its own.
    """
    by_key: dict[tuple[str, ...], _PlannedPerson] = {}
    of_row: dict[int, _PlannedPerson] = {}
    refs = itertools.count()
    people_rows = [row for row in rows if row.relation and row.person_ok]
    for row in sorted(people_rows, key=lambda r: (not r.id_number, r.row)):
        key = _person_key(row)
        person = by_key.get(key) if key is not None else None
        if person is None:
            person = _PlannedPerson(
                ref=next(refs),
                first=row,
                key=key or ("row", str(row.row)),
                is_developer=bool(row.developer),
                phone=row.phone,
                id_number=row.id_number,
            )
            by_key[person.key] = person
        elif person.first.name != row.name:
            errors.add(
                row.row,
                "name",
                row.text["name"],
                "person_conflict",
                _("Row %(row)d gives the same ID number to %(name)s.")
                % {"row": person.first.row, "name": person.first.name},
            )
            continue
        elif row.phone and person.phone and row.phone != person.phone:
            errors.add(
                row.row,
                "phone",
                row.text["phone"],
                "person_conflict",
                _("Row %(row)d gives the same person the mobile number %(phone)s.")
                % {"row": person.first.row, "phone": person.phone},
            )
            continue
        elif person.is_developer != bool(row.developer):
            errors.add(
                row.row,
                "developer",
                row.text["developer"],
                "person_conflict",
                _(
                    "Row %(row)d records this person as the developer and this row does not, or "
                    "the reverse."
                )
                % {"row": person.first.row},
            )
            continue
        person.phone = person.phone or row.phone
        # Later rows may name this person without the ID number.
        if person.phone:
            by_key.setdefault(("phone", row.name, person.phone), person)
        if person.is_developer:
            by_key.setdefault(("developer", row.name), person)
        of_row[row.row] = person
    return of_row


def _check_links(
    units: dict[tuple[str, ...], _PlannedUnit],
    rows: list[_Row],
    people: dict[int, _PlannedPerson],
    errors: _Errors,
) -> None:
    """Each person owns a unit at most once and lives in it at most once; the owners of a unit
    have exactly one representative (a sole owner is its own)."""
    for row in rows:
        if not row.place_ok or not row.relation:
            continue
        planned = units[row.unit_key]
        is_owner = row.relation == Occupancy.Relation.OWNER
        if row.row not in people:
            planned.incomplete = planned.incomplete or is_owner
            continue
        (planned.owners if is_owner else planned.occupants).append(row)
    for planned in units.values():
        owned: dict[int, _Row] = {}
        lives: dict[int, _Row] = {}
        for row in sorted(planned.owners + planned.occupants, key=lambda r: r.row):
            ref = people[row.row].ref
            is_owner = row.relation == Occupancy.Relation.OWNER
            earlier = owned.get(ref) if is_owner else lives.get(ref)
            if earlier is None and is_owner and row.resides:
                earlier = lives.get(ref)
            if earlier is not None:
                errors.add(
                    row.row,
                    "name",
                    row.text["name"],
                    "duplicate_person",
                    _("Row %(row)d already links this person to the same unit.")
                    % {"row": earlier.row},
                )
                continue
            if is_owner:
                owned[ref] = row
            if not is_owner or row.resides:
                lives[ref] = row
        _check_representative(planned, errors)


def _check_representative(planned: _PlannedUnit, errors: _Errors) -> None:
    owners = planned.owners
    if not owners or planned.incomplete:
        return
    if len(owners) == 1 and owners[0].representative is None:
        owners[0].representative = True
    chosen = [row for row in owners if row.representative]
    if not chosen:
        first = owners[0]
        errors.add(
            first.row,
            "representative",
            first.text["representative"],
            "representative_missing",
            _(
                "This unit has %(count)d owners and none is marked as the representative; mark "
                "exactly one."
            )
            % {"count": len(owners)},
        )
    for row in chosen[1:]:
        errors.add(
            row.row,
            "representative",
            row.text["representative"],
            "representative_twice",
            _("Row %(row)d already marks the representative of this unit.")
            % {"row": chosen[0].row},
        )


@dataclass
class _Registry:
    """What the community already holds, loaded in a fixed number of queries."""

    estates: dict[str, int]
    buildings: dict[tuple[int, str], int]
    entrances: dict[tuple[int, str], int]
    units: set[tuple[str, str, str, str, str]]
    # ID number → (person id, name, phone); (name, phone) → (person id, ID number).
    person_by_id_number: dict[str, tuple[int, str, str]]
    person_by_name_phone: dict[tuple[str, str], tuple[int, str]]
    developer_by_name: dict[str, int]

    @classmethod
    def load(cls, community: Community) -> _Registry:
        estates = dict(Estate.objects.filter(community=community).values_list("name", "id"))
        buildings = {
            (estate_id, number): pk
            for pk, estate_id, number in Building.objects.filter(community=community).values_list(
                "id", "estate_id", "number"
            )
        }
        entrances = {
            (building_id, number): pk
            for pk, building_id, number in Entrance.objects.filter(community=community).values_list(
                "id", "building_id", "number"
            )
        }
        units = {
            (estate, building or "", entrance or "", kind, number)
            for estate, building, entrance, kind, number in Unit.objects.filter(
                community=community
            ).values_list("estate__name", "building__number", "entrance__number", "kind", "number")
        }
        by_id: dict[str, tuple[int, str, str]] = {}
        by_name_phone: dict[tuple[str, str], tuple[int, str]] = {}
        developers: dict[str, int] = {}
        people = Person.objects.filter(community=community).order_by("id")
        for pk, name, phone, id_number, is_developer in people.values_list(
            "id", "name", "phone", "id_number", "is_developer"
        ):
            id_number = id_number.strip().upper()
            if id_number:
                by_id.setdefault(id_number, (pk, name, phone))
            if phone:
                by_name_phone.setdefault((name, phone), (pk, id_number))
            if is_developer:
                developers.setdefault(name, pk)
        return cls(estates, buildings, entrances, units, by_id, by_name_phone, developers)


def _check_registry(
    registry: _Registry,
    units: dict[tuple[str, ...], _PlannedUnit],
    people: dict[int, _PlannedPerson],
    errors: _Errors,
) -> None:
    """Units must be new; people already registered are linked, and must not contradict the
    registry (the same ID number under another name or mobile number)."""
    for key, planned in units.items():
        if key in registry.units:
            row = planned.first
            errors.add(
                row.row,
                "number",
                row.text["number"],
                "unit_exists",
                _(
                    "This unit is already registered in the community; the import only adds new "
                    "units."
                ),
            )
    for person in {p.ref: p for p in people.values()}.values():
        row = person.first
        if person.id_number in registry.person_by_id_number:
            pk, name, phone = registry.person_by_id_number[person.id_number]
            if name != row.name:
                errors.add(
                    row.row,
                    "name",
                    row.text["name"],
                    "person_registry_conflict",
                    _("The registry already has this ID number under the name %(name)s.")
                    % {"name": name},
                )
            elif person.phone and phone and person.phone != phone:
                errors.add(
                    row.row,
                    "phone",
                    row.text["phone"],
                    "person_registry_conflict",
                    _("The registry already has this person with the mobile number %(phone)s.")
                    % {"phone": phone},
                )
            else:
                person.existing_id = pk
            continue
        if person.is_developer:
            person.existing_id = registry.developer_by_name.get(row.name)
            continue
        if person.phone:
            # A registered person without an ID number (or with this one) is the same person.
            found = registry.person_by_name_phone.get((row.name, person.phone))
            if found is not None and found[1] in ("", person.id_number):
                person.existing_id = found[0]


# ---------------------------------------------------------------------------
# The service


def access_roster_community(user: Any, community_id: int) -> Community:
    """The community whose roster this user may import and export: staff (workers and
    administrators) of it only; anything else answers NotFound."""
    if not is_staff_in(user, community_id):
        raise NotFound(_("Not found."), code="not_found")
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound(_("Not found."), code="not_found")
    return community


def roster_import(*, actor: Any, community: Community, file: IO[bytes] | bytes) -> ImportReport:
    """Import a roster workbook into `community`: all rows or none.

    Only staff of the community may import. File-level problems (not .xlsx, damaged, too
    large, too many rows, missing headers) raise `LinliError`; cell problems come back in a
    report with `ok` False. Either way nothing is written unless every row is valid. A valid
    file is written in one transaction with bulk inserts and one `roster.import` audit row;
    the number of queries does not grow with the number of rows, except one insert per
    BATCH_SIZE objects.
    """
    if not is_staff_in(actor, community.pk):
        raise Forbidden(_("Only community staff may import the roster."), code="forbidden")
    raws = _read_rows(_read_upload(file))
    errors = _Errors()
    checker = _RowChecker(errors, timezone.localdate())
    rows = [checker.check(raw) for raw in raws]
    units = _check_units(rows, errors)
    people = _check_people(rows, errors)
    _check_links(units, rows, people, errors)
    try:
        with transaction.atomic():
            registry = _Registry.load(community)
            _check_registry(registry, units, people, errors)
            if errors.count:
                return ImportReport(
                    ok=False,
                    counts=ImportCounts(rows=len(rows)),
                    errors=errors.sorted(),
                    error_count=errors.count,
                )
            counts = _write(actor, community, rows, units, people, registry)
    except IntegrityError as exc:
        raise Conflict(
            _(
                "The registry changed while the file was being imported; nothing was imported. "
                "Please try again."
            ),
            code="roster_conflict",
        ) from exc
    return ImportReport(ok=True, counts=counts)


def _checked[T](value: T | None) -> T:
    """A value the row checks guarantee: `_write` runs only when no row has an error."""
    if value is None:
        raise AssertionError("the roster import wrote a row that failed its checks")
    return value


def _write(
    actor: Any,
    community: Community,
    rows: list[_Row],
    units: dict[tuple[str, ...], _PlannedUnit],
    people: dict[int, _PlannedPerson],
    registry: _Registry,
) -> ImportCounts:
    # Places: estates, then buildings, then entrances, each created once when missing.
    new_estates = {}
    for key in units:
        name = key[0]
        if name not in registry.estates and name not in new_estates:
            new_estates[name] = Estate(community=community, name=name)
    Estate.objects.bulk_create(new_estates.values(), batch_size=BATCH_SIZE)
    estate_ids = {**registry.estates, **{name: e.pk for name, e in new_estates.items()}}

    top_floor: dict[tuple[int, str], int] = defaultdict(int)
    for planned in units.values():
        row = planned.first
        if row.building:
            place = (estate_ids[row.estate], row.building)
            top_floor[place] = max(top_floor[place], row.floor or 0)
    new_buildings = {
        place: Building(
            community=community,
            estate_id=place[0],
            number=place[1],
            floors=top or 6,
            sort_key=natural_key(place[1]),
        )
        for place, top in top_floor.items()
        if place not in registry.buildings
    }
    Building.objects.bulk_create(new_buildings.values(), batch_size=BATCH_SIZE)
    building_ids = {**registry.buildings, **{place: b.pk for place, b in new_buildings.items()}}

    new_entrances: dict[tuple[int, str], Entrance] = {}
    for planned in units.values():
        row = planned.first
        if row.entrance:
            place = (building_ids[(estate_ids[row.estate], row.building)], row.entrance)
            if place not in registry.entrances and place not in new_entrances:
                new_entrances[place] = Entrance(
                    community=community, building_id=place[0], number=place[1]
                )
    Entrance.objects.bulk_create(new_entrances.values(), batch_size=BATCH_SIZE)
    entrance_ids = {**registry.entrances, **{place: e.pk for place, e in new_entrances.items()}}

    new_units: dict[tuple[str, ...], Unit] = {}
    for key, planned in units.items():
        row = planned.first
        estate_id = estate_ids[row.estate]
        building_id = building_ids[(estate_id, row.building)] if row.building else None
        new_units[key] = Unit(
            community=community,
            estate_id=estate_id,
            building_id=building_id,
            entrance_id=(
                entrance_ids[(_checked(building_id), row.entrance)] if row.entrance else None
            ),
            kind=_checked(row.kind),
            number=row.number,
            floor=_checked(row.floor),
            area=_checked(row.area),
            area_source=_checked(row.area_source),
            sort_key=natural_key(row.number),
        )
    Unit.objects.bulk_create(new_units.values(), batch_size=BATCH_SIZE)

    # People: one Person per planned person not already registered.
    person_ids: dict[int, int] = {}
    new_people: dict[int, Person] = {}
    for person in {p.ref: p for p in people.values()}.values():
        if person.existing_id is not None:
            person_ids[person.ref] = person.existing_id
            continue
        new_people[person.ref] = Person(
            community=community,
            kind=Person.Kind.ORGANISATION if person.is_developer else Person.Kind.INDIVIDUAL,
            name=person.first.name,
            phone=person.phone,
            id_number=person.id_number,
            is_developer=person.is_developer,
        )
    linked = len(person_ids)
    Person.objects.bulk_create(new_people.values(), batch_size=BATCH_SIZE)
    person_ids.update({ref: obj.pk for ref, obj in new_people.items()})

    ownerships: list[Ownership] = []
    occupancies: list[Occupancy] = []
    for key, planned in units.items():
        unit_id = new_units[key].pk
        for row in planned.owners:
            person_id = person_ids[people[row.row].ref]
            ownerships.append(
                Ownership(
                    community=community,
                    unit_id=unit_id,
                    person_id=person_id,
                    is_representative=bool(row.representative),
                    developer_status=row.developer,
                )
            )
            if row.resides:
                occupancies.append(
                    Occupancy(
                        community=community,
                        unit_id=unit_id,
                        person_id=person_id,
                        relation=Occupancy.Relation.OWNER,
                    )
                )
        for row in planned.occupants:
            occupancies.append(
                Occupancy(
                    community=community,
                    unit_id=unit_id,
                    person_id=person_ids[people[row.row].ref],
                    relation=row.relation,
                )
            )
    Ownership.objects.bulk_create(ownerships, batch_size=BATCH_SIZE)
    Occupancy.objects.bulk_create(occupancies, batch_size=BATCH_SIZE)

    counts = ImportCounts(
        rows=len(rows),
        estates=len(new_estates),
        buildings=len(new_buildings),
        entrances=len(new_entrances),
        units=len(new_units),
        persons=len(new_people),
        persons_linked=linked,
        ownerships=len(ownerships),
        occupancies=len(occupancies),
    )
    audit_record(
        actor=actor,
        action="roster.import",
        community=community,
        object_type="registry.community",
        object_id=str(community.pk),
        summary=(
            f"Roster import of {counts.rows} rows: {counts.units} units, {counts.estates} estates, "
            f"{counts.buildings} buildings, {counts.entrances} entrances, {counts.persons} new "
            f"persons, "
            f"{counts.persons_linked} registered persons linked, {counts.ownerships} ownerships, "
            f"{counts.occupancies} occupancies"
        ),
    )
    return counts


# ---------------------------------------------------------------------------
# Export and template


def roster_export(*, community: Community, actor: Any = None) -> bytes:
    """The whole community in the roster format: one row per current ownership or occupancy,
    and one row for each unit without people, so that the file imports into an empty community
    as the same registry.

    It carries full personal data: given an `actor`, only staff of the community may export,
    and the export is written to the audit log. An owner-occupancy whose person no longer owns
    the unit is exported as a family row, which grants no owner's rights on re-import.
    """
    if actor is not None:
        if not is_staff_in(actor, community.pk):
            raise Forbidden(_("Only community staff may export the roster."), code="forbidden")
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="roster.export",
                community=community,
                object_type="registry.community",
                object_id=str(community.pk),
                summary="Roster export with full personal data",
            )
    return build_roster_workbook(_export_rows(community))


def _export_rows(community: Community) -> Iterator[list[Any]]:
    units = list(
        Unit.objects.filter(community=community).select_related("estate", "building", "entrance")
    )
    kind_order: dict[str, int] = {kind: index for index, kind in enumerate(KIND_VALUES.values())}

    def place(unit: Unit) -> tuple[Any, ...]:
        building = unit.building
        entrance = unit.entrance
        return (
            unit.estate_id,
            building is None,
            building.sort_key if building else 0,
            building.number if building else "",
            entrance is None,
            natural_key(entrance.number) if entrance else 0,
            entrance.number if entrance else "",
            kind_order.get(unit.kind, 9),
            unit.sort_key,
            unit.number,
        )

    units.sort(key=place)
    owners: dict[int, list[Ownership]] = defaultdict(list)
    for ownership in (
        Ownership.objects.filter(community=community, until__isnull=True)
        .select_related("person")
        .order_by("unit_id", "-is_representative", "id")
    ):
        owners[ownership.unit_id].append(ownership)
    occupants: dict[int, list[Occupancy]] = defaultdict(list)
    for occupancy in (
        Occupancy.objects.filter(community=community, until__isnull=True)
        .select_related("person")
        .order_by("unit_id", "id")
    ):
        occupants[occupancy.unit_id].append(occupancy)

    for unit in units:
        base = [
            unit.estate.name,
            unit.building.number if unit.building else "",
            unit.entrance.number if unit.entrance else "",
            unit.number,
            _label_of(KIND_VALUES, unit.kind),
            unit.floor,
            unit.area / 100,
            _label_of(AREA_SOURCE_VALUES, unit.area_source),
        ]
        unit_owners = owners.get(unit.pk, [])
        owner_ids = {o.person_id for o in unit_owners}
        resident_owner_ids = {
            o.person_id
            for o in occupants.get(unit.pk, [])
            if o.relation == Occupancy.Relation.OWNER
        }
        wrote = False
        for ownership in unit_owners:
            person = ownership.person
            yield [
                *base,
                "业主",
                person.name,
                person.phone,
                person.id_number,
                "是" if ownership.is_representative else "否",
                _label_of(DEVELOPER_VALUES, ownership.developer_status),
                "是" if person.pk in resident_owner_ids else "否",
            ]
            wrote = True
        for occupancy in occupants.get(unit.pk, []):
            if occupancy.relation == Occupancy.Relation.OWNER and occupancy.person_id in owner_ids:
                continue
            relation = occupancy.relation
            if relation == Occupancy.Relation.OWNER:
                relation = Occupancy.Relation.FAMILY
            person = occupancy.person
            yield [
                *base,
                _label_of(RELATION_VALUES, relation),
                person.name,
                person.phone,
                person.id_number,
                "",
                "",
                "",
            ]
            wrote = True
        if not wrote:
            yield [*base, "", "", "", "", "", "", ""]


def roster_template() -> bytes:
    """The empty roster workbook: headers, drop-down lists, and the 说明 sheet."""
    return build_roster_workbook(())


_HEADER_FILL = PatternFill("solid", fgColor="DDEFE4")
_HEADER_FONT = Font(bold=True)


def build_roster_workbook(rows: Iterable[Sequence[Any]]) -> bytes:
    """Write rows (values in COLUMNS order) under the headers, with the 说明 sheet after them.

    Text columns are formatted as text, so that Excel keeps ID numbers, mobile numbers and
    leading zeros when a cell is edited; enum columns carry drop-down lists; the header row
    is frozen. Strings go to the shared-strings table, as Excel itself writes them.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_ROSTER
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.text:
            dimension.number_format = "@"
        if column.choices:
            validation = DataValidation(
                type="list",
                formula1='"{}"'.format(",".join(column.choices)),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error="、".join(column.choices),
            )
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    text_columns = [column.text for column in COLUMNS]
    for values in rows:
        sheet.append(
            [
                None if value in ("", None) else (str(value) if is_text else value)
                for is_text, value in zip(text_columns, values, strict=True)
            ]
        )
    # Excel turns long digit strings into numbers when a cell is edited: keep these as text.
    for code, number_format in (("phone", "@"), ("id_number", "@"), ("area", "0.00")):
        index = _COLUMN_INDEX[code] + 1
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = number_format
    _write_help(workbook.create_sheet(SHEET_HELP))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_help(sheet: Any) -> None:
    for letter, width in (("A", 16), ("B", 70), ("C", 24), ("D", 10)):
        sheet.column_dimensions[letter].width = width
    sheet.append([str(_("How to fill in the roster"))])
    sheet.cell(row=1, column=1).font = _HEADER_FONT
    for rule in RULES:
        sheet.append([f"• {rule}"])
    sheet.append([])
    sheet.append(
        [str(_("Column")), str(_("Explanation")), str(_("Allowed values")), str(_("Required"))]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for column in COLUMNS:
        sheet.append(
            [
                column.header,
                str(column.help),
                "、".join(column.choices),
                str(_("Yes")) if column.required else "",
            ]
        )
    wrap = Alignment(wrap_text=True, vertical="top")
    for (cell,) in sheet.iter_rows(min_col=2, max_col=2):
        cell.alignment = wrap
