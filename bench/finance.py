"""Sunshine-finance benchmarks (issue 4, item 7), on a scratch database of the configured vendor.

1. Chain: 1,000,000 two-line entries appended to one common-income account through
   `ledger.append_bulk` (parking, advertising, venue and other income, cleaning, greening,
   utilities, repair and security expenses; Chinese memos with their counterparties; five years
   of booking times), with the daily checkpoint job (`services.checkpoints_publish`) run after
   every quarter of them, untimed. Then the whole chain is verified with
   `ledger.verify_account` against those four published checkpoints (target >= 200,000
   entries/s on SQLite). Three runs, each into a fresh account; best and median reported.
2. A year's statement of a 1,500-unit estate: a maintenance fund whose year holds every unit's
   first deposit (one sub-ledger line per unit), twelve monthly interest credits and six
   estate-wide expenses, each apportioned by area over the 1,500 units (1,501 lines an entry);
   and a common-income account with ~20,000 entries in the year and as many the year before.
   Times `selectors.statement_figures` for the year and the whole `services.statement_publish`
   for the period "year" (figures, Notice with notifications to the estate's 1,000 owners with
   accounts, PDF and Excel), three runs each (target < 2 s).

    .venv/bin/python bench/finance.py                        # SQLite (scratch file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench .venv/bin/python bench/finance.py

With PostgreSQL a scratch database "<name>_finance_bench" is created next to the configured one
and dropped afterwards. Writes this vendor's part of the "Sunshine finance (issue 4)" section of
docs/benchmarks.md. BENCH_LEDGER_ENTRIES and BENCH_INCOME_ENTRIES scale it down for a quick try.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
PY = sys.executable

ENTRIES = int(os.environ.get("BENCH_LEDGER_ENTRIES", "1000000"))
CHECKPOINTS = 4
UNITS = 1_500
OWNERS_WITH_ACCOUNTS = 1_000
INCOME_ENTRIES = int(os.environ.get("BENCH_INCOME_ENTRIES", "20000"))
RUNS = 3
VERIFY_TARGET = 200_000
STATEMENT_TARGET_S = 2.0
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

# (category, description, counterparties) of the common-income entries.
INCOME_ITEMS = (
    ("parking", "地面临时停车费", ("浙A·3K729车主", "浙A·8M215车主", "杭州城投停车管理有限公司")),
    ("parking", "月租车位费", ("金狮苑7幢1单元401", "金狮苑24幢1单元601", "金狮苑12幢2单元302")),
    ("advertising", "电梯轿厢广告位租金", ("杭州分众传媒有限公司", "浙江华数广告有限公司")),
    ("venue", "活动室场地租金", ("上羊市街社区老年大学", "杭州启明书画培训学校")),
    ("other_income", "快递柜场地使用费", ("深圳市丰巢网络技术有限公司",)),
)
EXPENSE_ITEMS = (
    ("cleaning", "楼道及公共区域保洁", ("杭州洁美保洁服务有限公司",)),
    ("greening", "绿化养护及补种", ("杭州绿源园林工程有限公司",)),
    ("utilities", "公共照明及水泵电费", ("国网浙江省电力有限公司杭州供电公司",)),
    ("repair", "单元门禁及对讲维修", ("杭州安居物业管理有限公司", "杭州立安智能科技有限公司")),
    ("security", "监控设备年度维保", ("杭州海视安防工程有限公司",)),
)
# Estate-wide uses of the maintenance fund in the statement year: (category, description, fen).
FUND_EXPENSES = (
    ("repair", "全小区屋面防水维修", 86_400_000),
    ("elevator", "电梯曳引机及钢丝绳更换", 124_500_000),
    ("fire_safety", "消防喷淋管网及消防泵维修", 37_800_000),
    ("repair", "小区主干道路面修复", 52_300_000),
    ("repair", "雨污水管网疏通及破损修复", 19_600_000),
    ("construction", "外立面脱落隐患排查与修复", 98_700_000),
)


# --- the child processes (Django set up on the scratch database) -----------------------------


def _setup_django() -> None:
    import django

    django.setup()


def _community(label: str, phone: str) -> tuple[Any, Any, Any]:
    """A fresh street, community, estate and worker."""
    from linli.accounts.models import Role, RoleAssignment, User
    from linli.registry.models import Community, Estate, Street

    street = Street.objects.create(name=f"{label}街道", code=f"bench-{label}")
    community = Community.objects.create(street=street, name=f"{label}社区", code=f"bench-{label}")
    estate = Estate.objects.create(community=community, name=f"{label}苑")
    worker = User.objects.create_user(phone=phone, name="基准社工")
    RoleAssignment.objects.create(user=worker, community=community, role=Role.WORKER)
    return community, estate, worker


def _ledger_entry(index: int, start: dt.datetime, step: float) -> Any:
    """Entry `index` of the chain benchmark: 70 % income, 30 % expense, two lines each."""
    from linli.finance.ledger import NewEntry, memo_of

    income = index % 10 < 7
    items = INCOME_ITEMS if income else EXPENSE_ITEMS
    category, description, counterparties = items[(index // 10) % len(items)]
    fen = (2_000 + (index * 7_919) % 180_000) if income else (15_000 + (index * 104_729) % 600_000)
    booked_at = start + dt.timedelta(seconds=index * step)
    lines = (
        [("cash", fen, 0), (category, 0, fen)] if income else [(category, fen, 0), ("cash", 0, fen)]
    )
    return NewEntry(
        lines=lines,
        memo=memo_of(
            f"{description}（{booked_at:%Y年%m月}，第{index + 1}笔）",
            counterparties[index % len(counterparties)],
        ),
        booked_at=booked_at,
    )


def child_chain() -> None:
    """Append ENTRIES entries three times, each into a fresh account, and verify each chain."""
    _setup_django()
    from linli.finance import ledger, services
    from linli.finance.models import Account, Checkpoint

    community, estate, worker = _community("ledger", "19900000021")
    start = dt.datetime(2021, 1, 1, 8, 0, tzinfo=SHANGHAI)
    # Five years of booking times, one entry every few minutes.
    step = 5 * 365 * 86_400 / ENTRIES
    quarter = ENTRIES // CHECKPOINTS
    runs = []
    for run in range(RUNS):
        account = services.account_open(
            actor=worker,
            community=community,
            estate=estate,
            kind=Account.Kind.COMMON_INCOME,
            name=f"公共收益（基准第{run + 1}次）",
        )
        append_s = 0.0
        for part in range(CHECKPOINTS):
            first = part * quarter
            last = ENTRIES if part == CHECKPOINTS - 1 else first + quarter
            batch = [_ledger_entry(i, start, step) for i in range(first, last)]
            began = time.perf_counter()
            ledger.append_bulk(account.pk, batch)
            append_s += time.perf_counter() - began
            del batch
            services.checkpoints_publish(community_id=community.pk)
        account.refresh_from_db()
        points = Checkpoint.objects.filter(account=account).count()
        began = time.perf_counter()
        result = ledger.verify_account(account)
        verify_s = time.perf_counter() - began
        assert result.ok and result.checked == ENTRIES, result
        assert result.confirmed is not None and result.confirmed.sequence == ENTRIES, result
        runs.append(
            {
                "append_s": round(append_s, 2),
                "verify_s": round(verify_s, 3),
                "checked": result.checked,
                "checkpoints": points,
            }
        )
        print(f"run {run + 1}: {runs[-1]}", flush=True)
    print("JSON " + json.dumps({"runs": runs, **_database_facts()}))


def _database_facts() -> dict[str, Any]:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute(
                "SELECT pg_total_relation_size('finance_entry'), "
                "pg_total_relation_size('finance_entryline')"
            )
            entry_bytes, line_bytes = cursor.fetchone()
        return {"db": f"PostgreSQL {version}", "mib": (entry_bytes + line_bytes) / 2**20}
    import sqlite3

    size = Path(str(connection.settings_dict["NAME"])).stat().st_size
    return {"db": f"SQLite {sqlite3.sqlite_version}", "mib": size / 2**20}


def _estate_registry(community: Any, estate: Any) -> list[Any]:
    """1,500 flats in 25 six-floor buildings of two entrances (five flats a floor), with an
    owner each; 1,000 of the owners have an account. Returns the domain units, by area."""
    import random

    from linli.accounts.models import User
    from linli.domain import cost_plans as plans
    from linli.registry.models import Building, Entrance, Ownership, Person, Unit

    per_entrance, floors = 30, 6
    buildings = Building.objects.bulk_create(
        [
            Building(community=community, estate=estate, number=str(b + 1), floors=floors)
            for b in range(UNITS // (2 * per_entrance))
        ]
    )
    entrances = Entrance.objects.bulk_create(
        [
            Entrance(community=community, building=b, number=str(e + 1))
            for b in buildings
            for e in range(2)
        ]
    )
    rng = random.Random(11)
    units = Unit.objects.bulk_create(
        [
            Unit(
                community=community,
                estate=estate,
                building_id=entrances[i // per_entrance].building_id,
                entrance=entrances[i // per_entrance],
                number=f"{(i % per_entrance) // 5 + 1}{i % 5 + 1:02d}",
                floor=(i % per_entrance) // 5 + 1,
                area=rng.randrange(5_500, 14_001),
                sort_key=i,
            )
            for i in range(UNITS)
        ]
    )
    owners = [User(phone=f"139{n:08d}", name=f"业主{n}") for n in range(OWNERS_WITH_ACCOUNTS)]
    for user in owners:
        user.set_unusable_password()
    users = User.objects.bulk_create(owners)
    people = Person.objects.bulk_create(
        [
            Person(
                community=community,
                name=f"业主{n}",
                phone=f"139{n:08d}",
                user=users[n] if n < len(users) else None,
            )
            for n in range(UNITS)
        ]
    )
    Ownership.objects.bulk_create(
        [
            Ownership(community=community, unit=unit, person=person)
            for unit, person in zip(units, people, strict=True)
        ]
    )
    return [plans.Unit(key=unit.pk, floor=unit.floor, area=unit.area) for unit in units]


def _by_area(
    units: list[Any], category: str, fen: int, *, debit: bool
) -> list[tuple[str, int, int]]:
    """`fen` spread over the units by area as sub-ledger lines, then the cash line."""
    from linli.domain import cost_plans as plans
    from linli.finance.ledger import line_code

    shares = [
        (line_code(category, int(share.key)), share.fen)
        for share in plans.plan_by_area(units, fen).shares
        if share.fen
    ]
    if debit:
        return [*((code, fen_, 0) for code, fen_ in shares), ("cash", 0, fen)]
    return [("cash", fen, 0), *((code, 0, fen_) for code, fen_ in shares)]


def _fund_entries(units: list[Any], year: int) -> list[Any]:
    """The fund's year: each unit's first deposit as its flat is handed over (through the
    year), monthly interest and six estate-wide repairs, all in booking order."""
    from linli.finance.ledger import NewEntry, memo_of

    rows: list[tuple[dt.datetime, Any]] = []
    for n, unit in enumerate(units):
        # 80 fen per 0.01 m²: 80 yuan a square metre (HZ-PMR Art. 70: 5-8 % of building cost).
        fen = unit.area * 80
        when = dt.datetime(year, 1, 2, 9, tzinfo=SHANGHAI) + dt.timedelta(minutes=n * 330)
        rows.append(
            (
                when,
                NewEntry(
                    lines=[("cash", fen, 0), (f"deposit/u{unit.key}", 0, fen)],
                    memo=memo_of("首期专项维修资金缴存", f"房屋{unit.key}业主"),
                    booked_at=when,
                ),
            )
        )
    for month in range(2, 13):
        when = dt.datetime(year, month, 21, 10, tzinfo=SHANGHAI)
        rows.append(
            (
                when,
                NewEntry(
                    lines=_by_area(units, "interest", 1_800_000 + month * 95_000, debit=False),
                    memo=memo_of(f"{year}年{month}月专户利息", "杭州银行清泰支行"),
                    booked_at=when,
                ),
            )
        )
    when = dt.datetime(year, 12, 21, 10, tzinfo=SHANGHAI) + dt.timedelta(hours=1)
    rows.append(
        (
            when,
            NewEntry(
                lines=_by_area(units, "interest", 2_400_000, debit=False),
                memo=memo_of(f"{year}年末结息", "杭州银行清泰支行"),
                booked_at=when,
            ),
        )
    )
    for n, (category, description, fen) in enumerate(FUND_EXPENSES):
        when = dt.datetime(year, 7 + n, 15, 15, tzinfo=SHANGHAI)
        rows.append(
            (
                when,
                NewEntry(
                    lines=_by_area(units, category, fen, debit=True),
                    memo=memo_of(description, "杭州安居物业管理有限公司"),
                    booked_at=when,
                ),
            )
        )
    rows.sort(key=lambda row: row[0])
    return [entry for _when, entry in rows]


def _income_entries(year: int, count: int) -> list[Any]:
    """`count` common-income entries spread over `year`."""
    start = dt.datetime(year, 1, 1, 7, tzinfo=SHANGHAI)
    step = 365 * 86_400 / count
    return [_ledger_entry(i, start, step) for i in range(count)]


@contextmanager
def _timer(into: list[float]) -> Iterator[None]:
    began = time.perf_counter()
    yield
    into.append(time.perf_counter() - began)


def child_statement() -> None:
    """Build the 1,500-unit estate's year and time its statements."""
    _setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linli.core import clock
    from linli.finance import documents, ledger, selectors, services
    from linli.finance.models import Account, Entry, EntryLine, Statement
    from linli.notifications.models import Notification

    built = time.perf_counter()
    community, estate, worker = _community("statement", "19900000022")
    units = _estate_registry(community, estate)
    year = clock.today().year - 1
    fund = services.account_open(
        actor=worker,
        community=community,
        estate=estate,
        kind=Account.Kind.MAINTENANCE_FUND,
        name="专项维修资金",
        first_deposit=sum(unit.area * 80 for unit in units),
    )
    income = services.account_open(
        actor=worker,
        community=community,
        estate=estate,
        kind=Account.Kind.COMMON_INCOME,
        name="公共收益",
    )
    ledger.append_bulk(fund.pk, _fund_entries(units, year))
    ledger.append_bulk(income.pk, _income_entries(year - 1, INCOME_ENTRIES))
    ledger.append_bulk(income.pk, _income_entries(year, INCOME_ENTRIES))
    build_s = time.perf_counter() - built
    start, end = selectors.period_window(Statement.Period.YEAR, dt.date(year, 1, 1))
    accounts = {}
    for account in (fund, income):
        account.refresh_from_db()
        figures_s: list[float] = []
        publish_s: list[float] = []
        pdf_s: list[float] = []
        xlsx_s: list[float] = []
        documents_s: list[float] = []
        for _run in range(RUNS):
            with _timer(figures_s), CaptureQueriesContext(connection) as queries:
                figures = selectors.statement_figures(account, start, end)
        for _run in range(RUNS):
            before = Notification.objects.count()
            with _timer(publish_s):
                statement = services.statement_publish(
                    actor=worker,
                    account_id=account.pk,
                    period=Statement.Period.YEAR,
                    starts_on=start,
                )
            notified = Notification.objects.count() - before
            # A long statement's PDF and Excel file are the task runner's job, after commit
            # (services.DOCUMENTS_AT_ONCE_MAX_ENTRIES): timed here on their own.
            with _timer(documents_s):
                services.statement_documents_make(statement_id=statement.pk)
            statement.refresh_from_db()
            pdf_kib, xlsx_kib = statement.pdf.size / 1024, statement.xlsx.size / 1024
            # Where that time goes: the two documents again, one by one.
            with _timer(pdf_s):
                documents.statement_pdf(statement)
            with _timer(xlsx_s):
                documents.statement_xlsx(statement)
            # Statements are not append-only: remove this run's so the next can publish again.
            Statement.objects.filter(pk=statement.pk).delete()
        in_period = Entry.objects.filter(account=account, booked_on__range=(start, end))
        accounts[account.kind] = {
            "entries": in_period.count(),
            "lines": EntryLine.objects.filter(
                account=account, booked_on__range=(start, end)
            ).count(),
            "opening": figures.opening,
            "income": figures.income_total,
            "expense": figures.expense_total,
            "closing": figures.closing,
            "figures_s": figures_s,
            "figures_queries": len(queries.captured_queries),
            "publish_s": publish_s,
            "pdf_s": pdf_s,
            "xlsx_s": xlsx_s,
            "documents_s": documents_s,
            "pdf_kib": pdf_kib,
            "xlsx_kib": xlsx_kib,
            "notified": notified,
        }
        print(f"{account.kind}: {accounts[account.kind]}", flush=True)
    print(
        "JSON "
        + json.dumps({"year": year, "build_s": build_s, "accounts": accounts, **_database_facts()})
    )


# --- the orchestrating process ---------------------------------------------------------------


def vendor() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


@contextmanager
def scratch_database() -> Iterator[dict[str, str]]:
    """The environment of a fresh, migrated scratch database of this run's vendor."""
    env = dict(os.environ)
    env.setdefault("LINLI_SECRET_KEY", "bench-" + "x" * 50)
    with tempfile.TemporaryDirectory() as tmp:
        env["LINLI_VAR_DIR"] = tmp
        if vendor() == "sqlite":
            env.pop("DATABASE_URL", None)
            _migrate(env)
            yield env
            return
        import psycopg

        url = urlsplit(os.environ["DATABASE_URL"])
        name = url.path.lstrip("/") + "_finance_bench"
        admin = urlunsplit(url._replace(path="/postgres"))
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            _migrate(env)
            yield env
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate(env: dict[str, str]) -> None:
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def _child(env: dict[str, str], *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [PY, str(Path(__file__).resolve()), *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in reversed(out.splitlines()) if line.startswith("JSON "))
    return json.loads(line[5:])  # type: ignore[no-any-return]


def machine() -> str:
    from bench.run import machine as describe

    return describe()


def _best_median(values: list[float]) -> tuple[float, float]:
    return min(values), statistics.median(values)


def report(
    chain: dict[str, Any], year: dict[str, Any], started: dt.datetime, load: tuple[float, float]
) -> list[str]:
    title = "PostgreSQL" if vendor() == "postgresql" else "SQLite (embedded)"
    appends = [ENTRIES / run["append_s"] for run in chain["runs"]]
    verifies = [ENTRIES / run["verify_s"] for run in chain["runs"]]
    append_best, append_median = max(appends), statistics.median(appends)
    verify_best, verify_median = max(verifies), statistics.median(verifies)
    met = "met" if verify_median >= VERIFY_TARGET else "**not met**"
    lines = [
        f"### {title}",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} (Asia/Shanghai)",
        f"- Machine: {machine()}; {chain['db']}",
        f"- Load average (1 min) at start and end: {load[0]:.1f}, {load[1]:.1f} "
        "(the machine is shared; numbers drop under load)",
        "",
        f"#### Hash chain: {ENTRIES:,} entries through `append_bulk`, then `verify_account` "
        f"(target >= {VERIFY_TARGET:,} entries/s verified)",
        "",
        "| run | append s | appended entries/s | verify s | verified entries/s | "
        "checkpoints checked |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for n, run in enumerate(chain["runs"], start=1):
        lines.append(
            f"| {n} | {run['append_s']:.1f} | {ENTRIES / run['append_s']:,.0f} | "
            f"{run['verify_s']:.2f} | {ENTRIES / run['verify_s']:,.0f} | {run['checkpoints']} |"
        )
    lines += [
        "",
        f"Append: best **{append_best:,.0f}**, median {append_median:,.0f} entries/s. "
        f"Verify: best **{verify_best:,.0f}**, median **{verify_median:,.0f}** entries/s "
        f"(target {met}). Each run appends to a fresh account in four parts, publishing the "
        f"checkpoints after each part (untimed); the database holds {RUNS * ENTRIES:,} entries "
        f"and their lines at the end ({chain['mib']:,.0f} MiB).",
        "",
        f"#### A year's statement of a {UNITS:,}-unit estate (target < {STATEMENT_TARGET_S:.0f} s "
        "for `statement_publish`)",
        "",
        f"Data for {year['year']} built with `append_bulk` in {year['build_s']:.1f} s.",
        "",
        "| account | entries (lines) in the year | statement_figures s, best / median "
        "(queries) | statement_publish s, best / median | then its documents (task runner) s, "
        "median: PDF / Excel | PDF KiB | Excel KiB | owners notified |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {"maintenance_fund": "Maintenance fund", "common_income": "Common income"}
    for kind, data in year["accounts"].items():
        figures = _best_median(data["figures_s"])
        publish = _best_median(data["publish_s"])
        ok = "" if publish[1] < STATEMENT_TARGET_S else " (over target)"
        lines.append(
            f"| {labels[kind]} | {data['entries']:,} ({data['lines']:,}) | "
            f"{figures[0]:.3f} / {figures[1]:.3f} ({data['figures_queries']}) | "
            f"**{publish[0]:.2f}** / {publish[1]:.2f}{ok} | "
            f"{statistics.median(data['documents_s']):.2f}: "
            f"{statistics.median(data['pdf_s']):.2f} / {statistics.median(data['xlsx_s']):.2f} | "
            f"{data['pdf_kib']:,.0f} | {data['xlsx_kib']:,.0f} | {data['notified']:,} |"
        )
    lines += [
        "",
        "`statement_publish` = the figures, the Notice with its notifications to the owners, and "
        "the statement row, in one transaction: what a worker waits for. A statement of more "
        "than `services.DOCUMENTS_AT_ONCE_MAX_ENTRIES` (500) entries gets its PDF (the summary "
        "and up to `documents.PDF_ENTRY_LIMIT` entries, WeasyPrint) and Excel file (every "
        "entry, openpyxl) from the task runner right after the commit; the page offers them "
        "as soon as they exist. A month of an ordinary estate stays under 500 entries and gets "
        "both at once.",
        "",
    ]
    return lines


SECTION = "finance"
SECTION_HEADER = """## Sunshine finance (issue 4)

Written by `bench/finance.py` (also run by `make bench`), on a scratch database of the
configured vendor: `.venv/bin/python bench/finance.py` for SQLite,
`DATABASE_URL=postgres://... .venv/bin/python bench/finance.py` for PostgreSQL (a scratch
database `<name>_finance_bench` is created and dropped). See the script's docstring for the
data sets. Every measurement is run three times; best and median are reported.

How verification meets the target. Reading the chain back used to decode each row's lines with
`json.loads` into a `SealedEntry`, and `domain.ledger.verify` then encoded them again to hash
them: about 120,000 entries/s on SQLite, half of it spent turning JSON into tuples and back. Now:

- `ledger.sealed_entries` hands the domain the rows as stored (`StoredRow`: the ledger key, then
  the columns, with the lines still as their JSON text); C iterators prefix the key, so no Python
  code runs per row. It reads 2,000 rows a query (smaller chunks stay in the CPU cache), each
  query a range of sequence numbers, so that PostgreSQL, which has no statistics right after a
  bulk load, cannot sort the rest of the ledger for every chunk.
- `verify` hashes stored lines as they stand when they are provably canonical. A two-line entry
  (nearly all of them) is matched by one regular expression that only canonical text can match
  (no JSON escapes, integers without sign or leading zeros, one positive side per line), and it
  balances when one line's debit digits equal the other's credit digits. Other text without
  escapes, spaces or minus signs is decoded once (`raw_decode`) for the balance check and hashed
  as it stands. Anything else is decoded and encoded again as before, so a non-canonical rewrite
  still fails its hash.
- The encoding is built in two parts, so that only the part with the memo is encoded from
  non-ASCII text.

The canonical encoding is unchanged (the domain tests hold it to `json.dumps`). A property test
(tests/domain/test_ledger_stored.py) checks that stored rows and decoded entries give identical
results for valid chains, for every single-field tampering and for rewritten lines text
(whitespace, escapes, floats, -0, truncated or non-JSON text)."""


def write_section(lines: list[str]) -> None:
    """Replace this vendor's part of the finance section of docs/benchmarks.md, keep the rest."""
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = f"<!-- bench:{SECTION} -->", f"<!-- /bench:{SECTION} -->"
    before, inner, after = text, "", "\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        inner, after = rest.split(end, 1)
    parts: dict[str, str] = {}
    for name in ("sqlite", "postgresql"):
        s, e = f"<!-- {SECTION}:{name} -->", f"<!-- /{SECTION}:{name} -->"
        if s in inner and e in inner:
            parts[name] = inner.split(s, 1)[1].split(e, 1)[0].strip("\n")
    parts[vendor()] = "\n".join(lines).rstrip("\n")
    body = [SECTION_HEADER, ""]
    for name in ("sqlite", "postgresql"):
        if name in parts:
            body.append(f"<!-- {SECTION}:{name} -->\n{parts[name]}\n<!-- /{SECTION}:{name} -->\n")
    block = f"{start}\n" + "\n".join(body).rstrip("\n") + f"\n{end}"
    path.write_text(before.rstrip("\n") + "\n\n" + block + "\n" + after.lstrip("\n"))


def main() -> None:
    started = dt.datetime.now(SHANGHAI)
    load = os.getloadavg()[0]
    with scratch_database() as env:
        chain = _child(env, "--chain")
    with scratch_database() as env:
        year = _child(env, "--statement")
    print(json.dumps({"chain": chain, "year": year}, indent=1))
    lines = report(chain, year, started, (load, os.getloadavg()[0]))
    write_section(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--chain":
        child_chain()
    elif len(sys.argv) > 1 and sys.argv[1] == "--statement":
        child_statement()
    else:
        main()
