"""Votes benchmarks (issue 3, item 7), on a scratch database of the configured vendor.

1. Tally: an estate of 100,000 flats (379 buildings; the developer's 500 unsold flats, 10,000
   owners of two flats, 9,000 co-owned flats), opened through `motion_open` (timed), then 80,000
   current ballots (78,000 online, 2,000 paper ones accepted by a second worker, plus 1,000
   earlier revisions) written with bulk inserts. Times `counting.result_data` (target <= 0.5 s)
   and its parts, `counting.turnout`, and the whole `motion_tally` (result + public roll CSV).
2. Casting: 8,000 owners with API tokens and an open motion; gunicorn (2 sync workers, as for
   the pages) driven by wrk -t2 -c50 (50 concurrent voters) POSTing
   /api/v1/votes/{public_id}/ballots. Each voter casts once (201); if wrk outruns the voters it
   wraps round and a repeat answers 409, counted apart. Afterwards the database must hold exactly
   one ballot per 201.

    .venv/bin/python bench/votes.py                        # SQLite (scratch file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli .venv/bin/python bench/votes.py

With PostgreSQL a scratch database "<name>_votes_bench" is created next to the configured one
and dropped afterwards. Writes this vendor's part of the "Votes (issue 3)" section of
docs/benchmarks.md. BENCH_VOTE_UNITS and BENCH_SECONDS scale it down for a quick try.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import socket
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

UNITS = int(os.environ.get("BENCH_VOTE_UNITS", "100000"))
BALLOTS = UNITS * 4 // 5
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
CAST_VOTERS = int(os.environ.get("BENCH_CAST_VOTERS", "8000"))
THREADS, CONNECTIONS = 2, 50
TALLY_TARGET_S = 0.5


# --- the child processes (Django set up on the scratch database) -----------------------------


def _setup_django() -> None:
    import django

    django.setup()


def _estate(label: str) -> tuple[Any, Any, Any]:
    """A fresh street, community, estate and worker."""
    from linli.accounts.models import Role, RoleAssignment, User
    from linli.registry.models import Community, Estate, Street

    street = Street.objects.create(name=f"{label}街道", code=f"bench-{label}")
    community = Community.objects.create(street=street, name=f"{label}社区", code=f"bench-{label}")
    estate = Estate.objects.create(community=community, name=f"{label}苑")
    phone = {"tally": "19900000001", "cast": "19900000003"}[label]
    worker = User.objects.create_user(phone=phone, name="基准社工")
    RoleAssignment.objects.create(user=worker, community=community, role=Role.WORKER)
    return community, estate, worker


def _flats(community: Any, estate: Any, count: int) -> list[int]:
    """`count` flats in 33-floor buildings of two entrances, four flats a floor; their ids."""
    from linli.registry.models import Building, Entrance, Unit

    per_entrance, per_building = 33 * 4, 33 * 4 * 2
    buildings = Building.objects.bulk_create(
        [
            Building(community=community, estate=estate, number=str(b + 1), floors=33)
            for b in range((count + per_building - 1) // per_building)
        ]
    )
    entrances = Entrance.objects.bulk_create(
        [
            Entrance(community=community, building=b, number=str(e + 1))
            for b in buildings
            for e in range(2)
        ]
    )
    rng = random.Random(7)
    units = []
    for i in range(count):
        entrance = entrances[i // per_entrance]
        floor, flat = divmod(i % per_entrance, 4)
        units.append(
            Unit(
                community=community,
                estate=estate,
                building_id=entrance.building_id,
                entrance=entrance,
                number=f"{floor + 1}{flat + 1:02d}",
                floor=floor + 1,
                area=rng.randrange(5000, 15001),
            )
        )
    return [u.id for u in Unit.objects.bulk_create(units, batch_size=5000)]


def _persons(community: Any, count: int, users: list[Any] | None = None) -> list[int]:
    from linli.registry.models import Person

    rows = [
        Person(
            community=community,
            name=f"业主{n}",
            phone=f"138{n:08d}",
            user=users[n] if users else None,
        )
        for n in range(count)
    ]
    return [p.id for p in Person.objects.bulk_create(rows, batch_size=5000)]


def _tally_registry(community: Any, estate: Any) -> None:
    """100,000 flats: developer 500 unsold; 10,000 two-flat owners; 9,000 co-owned flats."""
    from linli.registry.models import Ownership, Person

    unit_ids = _flats(community, estate, UNITS)
    developer = Person.objects.create(
        community=community, name="基准置业有限公司", kind=Person.Kind.ORGANISATION
    )
    dev_units = min(500, UNITS // 200)
    doubles = UNITS // 10
    singles = UNITS - dev_units - 2 * doubles
    coowned = singles * 9 // 80
    people = _persons(community, doubles + singles + coowned)
    rows = [
        Ownership(community=community, unit_id=uid, person=developer, developer_status="unsold")
        for uid in unit_ids[:dev_units]
    ]
    rest = unit_ids[dev_units:]
    for k in range(doubles):
        for uid in rest[2 * k : 2 * k + 2]:
            rows.append(Ownership(community=community, unit_id=uid, person_id=people[k]))
    for k, uid in enumerate(rest[2 * doubles :]):
        rows.append(Ownership(community=community, unit_id=uid, person_id=people[doubles + k]))
        if k < coowned:
            rows.append(
                Ownership(
                    community=community,
                    unit_id=uid,
                    person_id=people[doubles + singles + k],
                    is_representative=False,
                )
            )
    Ownership.objects.bulk_create(rows, batch_size=5000)


@contextmanager
def _timer(into: dict[str, float], name: str) -> Iterator[None]:
    began = time.perf_counter()
    yield
    into[name] = round(time.perf_counter() - began, 3)


def _open_motion(worker: Any, estate: Any, **fields: Any) -> Any:
    from linli.core import clock
    from linli.votes import services

    motion = services.motion_create(actor=worker, estate_id=estate.id, **fields)
    today = clock.today()
    services.motion_announce(
        actor=worker,
        motion_id=motion.id,
        opens_on=today + dt.timedelta(days=15),
        closes_on=today + dt.timedelta(days=24),
    )
    with clock.travel(dt.timedelta(days=15)):
        return services.motion_open(actor=worker, motion_id=motion.id)


def _ballots(motion: Any, worker: Any, checker: Any) -> dict[str, int]:
    """80,000 current ballots of the first voters by number (2,000 paper, accepted) and 1,000
    earlier online revisions; choices yes 60 %, no 25 %, abstain 15 % (or options 1–5)."""
    from linli.core import clock
    from linli.votes.models import Ballot, BallotCheck, RollOwner, RollVoter
    from linli.votes.services import new_tracker

    voters = list(
        RollVoter.objects.filter(motion=motion).order_by("number").values_list("id", flat=True)
    )[:BALLOTS]
    owner_of: dict[int, int] = {}
    for voter_id, person_id in (
        RollOwner.objects.filter(motion=motion)
        .order_by("voter_id", "-is_representative", "person_id")
        .values_list("voter_id", "person_id")
    ):
        owner_of.setdefault(voter_id, person_id)
    rng = random.Random(11)
    now = clock.now()
    trackers: set[str] = set()

    def tracker() -> str:
        while (code := new_tracker()) in trackers:
            pass
        trackers.add(code)
        return code

    def answer() -> dict[str, Any]:
        if motion.kind == "yes_no":
            return {"choice": rng.choices(["yes", "no", "abstain"], [60, 25, 15])[0]}
        return {"options": [rng.choices([1, 2, 3, 4, 5], [30, 25, 20, 15, 10])[0]]}

    paper_every = max(1, BALLOTS // 2000)
    rows: list[Any] = []
    earlier: list[Any] = []
    for n, voter_id in enumerate(voters):
        paper = n % paper_every == 0
        revision = 1
        if n % 80 == 1 and len(earlier) < BALLOTS // 80:
            earlier.append(
                Ballot(
                    community_id=motion.community_id,
                    motion_id=motion.id,
                    voter_id=voter_id,
                    owner_id=owner_of[voter_id],
                    revision=1,
                    channel="online",
                    tracker=tracker(),
                    cast_at=now,
                    **answer(),
                )
            )
            revision = 2
        rows.append(
            Ballot(
                community_id=motion.community_id,
                motion_id=motion.id,
                voter_id=voter_id,
                owner_id=owner_of[voter_id],
                revision=revision,
                channel="paper" if paper else "online",
                cast_by=worker if paper else None,
                tracker=tracker(),
                cast_at=now,
                **answer(),
            )
        )
    Ballot.objects.bulk_create(earlier, batch_size=5000)
    created = Ballot.objects.bulk_create(rows, batch_size=5000)
    checks = [
        BallotCheck(
            community_id=motion.community_id,
            ballot_id=b.id,
            checked_by=checker,
            checked_at=now,
            accepted=True,
        )
        for b in created
        if b.channel == "paper"
    ]
    BallotCheck.objects.bulk_create(checks, batch_size=5000)
    return {"current": len(rows), "earlier_revisions": len(earlier), "paper": len(checks)}


def _time_counting(motion: Any) -> dict[str, Any]:
    """Best of three runs of result_data and of each of its parts, after one cold run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linli.votes import counting

    def best(fn: Any) -> float:
        times = []
        for _ in range(3):
            began = time.perf_counter()
            fn()
            times.append(time.perf_counter() - began)
        return round(min(times), 3)

    cold_began = time.perf_counter()
    data = counting.result_data(motion)
    cold = round(time.perf_counter() - cold_began, 3)
    with CaptureQueriesContext(connection) as ctx:
        counting.result_data(motion)
    return {
        "result_data_cold_s": cold,
        "result_data_s": best(lambda: counting.result_data(motion)),
        "queries": len(ctx.captured_queries),
        "answer_totals_s": best(lambda: counting.answer_totals(motion)),
        "by_ballot_s": best(lambda: counting.result_data_by_ballot(motion)),
        "turnout_s": best(lambda: counting.turnout(motion)),
        "public_roll_csv_s": best(lambda: counting.public_roll_csv(motion)),
        "area_total": data["area_total"],
        "headcount_total": data["headcount_total"],
        "headcount_participating": data["headcount_participating"],
        "passed": data["passed"],
    }


def child_tally() -> None:
    _setup_django()
    from linli.accounts.models import Role, RoleAssignment, User
    from linli.core import clock
    from linli.votes import services
    from linli.votes.models import RollOwner, RollUnit, RollVoter

    timings: dict[str, float] = {}
    community, estate, worker = _estate("tally")
    checker = User.objects.create_user(phone="19900000002", name="复核社工")
    RoleAssignment.objects.create(user=checker, community=community, role=Role.WORKER)
    with _timer(timings, "registry_build_s"):
        _tally_registry(community, estate)
    out: dict[str, Any] = {"units": UNITS, "timings": timings, "motions": {}}
    for kind, fields in (
        ("yes_no", {"matter": "covenant", "allow_revote": True}),
        (
            "choose_one",
            {
                "kind": "choose_one",
                "matter": "property_company",
                "allow_revote": True,
                "options": [f"候选物业公司{n}" for n in range(1, 6)],
            },
        ),
    ):
        began = time.perf_counter()
        motion = _open_motion(worker, estate, title=f"基准表决 {kind}", **fields)
        opened_s = round(time.perf_counter() - began, 3)
        began = time.perf_counter()
        written = _ballots(motion, worker, checker)
        ballots_s = round(time.perf_counter() - began, 3)
        result = _time_counting(motion)
        result.update(
            open_s=opened_s,
            ballot_insert_s=ballots_s,
            roll_voters=RollVoter.objects.filter(motion=motion).count(),
            roll_owners=RollOwner.objects.filter(motion=motion).count(),
            roll_units=RollUnit.objects.filter(motion=motion).count(),
            **written,
        )
        with clock.travel(dt.timedelta(days=25)):
            services.motion_close(actor=worker, motion_id=motion.id)
            began = time.perf_counter()
            services.motion_tally(actor=worker, motion_id=motion.id)
            result["motion_tally_s"] = round(time.perf_counter() - began, 3)
        out["motions"][kind] = result
    print("JSON " + json.dumps(out))


def child_cast_setup(lua_path: str) -> None:
    """CAST_VOTERS owners, each with a user and an API token, on an open motion; the Lua script."""
    _setup_django()
    import hashlib
    import secrets

    from django.contrib.auth.hashers import make_password

    from linli.accounts.models import ApiToken, User
    from linli.registry.models import Ownership
    from linli.votes.models import RollOwner

    community, estate, worker = _estate("cast")
    unit_ids = _flats(community, estate, CAST_VOTERS)
    users = User.objects.bulk_create(
        [
            User(phone=f"17{n:09d}", name=f"业主{n}", password=make_password(None))
            for n in range(CAST_VOTERS)
        ],
        batch_size=5000,
    )
    people = _persons(community, CAST_VOTERS, users)
    Ownership.objects.bulk_create(
        [
            Ownership(community=community, unit_id=uid, person_id=pid)
            for uid, pid in zip(unit_ids, people, strict=True)
        ],
        batch_size=5000,
    )
    secret_of: dict[int, str] = {}
    tokens = []
    for user in users:
        secret = "bench_" + secrets.token_urlsafe(24)
        secret_of[user.id] = secret
        tokens.append(
            ApiToken(
                user=user,
                name="bench",
                prefix=secret[:12],
                key_hash=hashlib.sha256(secret.encode()).hexdigest(),
            )
        )
    ApiToken.objects.bulk_create(tokens, batch_size=5000)
    motion = _open_motion(worker, estate, title="基准在线投票", matter="covenant")
    user_of_person = dict(zip(people, (u.id for u in users), strict=True))
    pairs = sorted(
        (voter_id, secret_of[user_of_person[person_id]])
        for voter_id, person_id in RollOwner.objects.filter(motion=motion).values_list(
            "voter_id", "person_id"
        )
    )
    random.Random(3).shuffle(pairs)
    probe_voter, probe_token = pairs.pop()
    Path(lua_path).write_text(_cast_lua(str(motion.public_id), pairs))
    queries = _probe(str(motion.public_id), probe_voter, probe_token)
    summary = {
        "public_id": str(motion.public_id),
        "voters": len(pairs),
        "warm_token": pairs[0][1],
        "queries": queries,
    }
    print("JSON " + json.dumps(summary))


def _probe(public_id: str, voter_id: int, token: str) -> int:
    """The SQL queries of one cast through the API, by a voter left out of the wrk run."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            f"/api/v1/votes/{public_id}/ballots",
            data={"voter_id": voter_id, "choice": "yes"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 201, response.content
    return len(ctx.captured_queries)


def child_cast_verify(public_id: str) -> None:
    _setup_django()
    from django.db.models import Count

    from linli.votes.models import Ballot

    ballots = Ballot.objects.filter(motion__public_id=public_id)
    per_voter = ballots.values("voter_id").annotate(n=Count("id")).filter(n__gt=1).count()
    print("JSON " + json.dumps({"ballots": ballots.count(), "voters_with_two": per_voter}))


def _cast_lua(public_id: str, pairs: list[tuple[int, str]]) -> str:
    voters = ",".join(str(v) for v, _s in pairs)
    secrets_ = ",".join(f'"{s}"' for _v, s in pairs)
    return f"""
local voters = {{{voters}}}
local tokens = {{{secrets_}}}
local choices = {{"yes", "no", "abstain"}}
local path = "/api/v1/votes/{public_id}/ballots"
local threads = {{}}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  created = 0
  conflict = 0
  other = 0
end

function request()
  local i = (n * {THREADS} + id) % #voters + 1
  n = n + 1
  local body = string.format('{{"voter_id": %d, "choice": "%s"}}', voters[i], choices[i % 3 + 1])
  return wrk.format("POST", path, {{
    ["Authorization"] = "Bearer " .. tokens[i],
    ["Content-Type"] = "application/json",
  }}, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 409 then
    conflict = conflict + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, k, o = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    k = k + t:get("conflict")
    o = o + t:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    "JSON {{\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p95_us\\": %d, " ..
    "\\"p99_us\\": %d, \\"socket_errors\\": %d, \\"created\\": %d, \\"conflict\\": %d, " ..
    "\\"other\\": %d}}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, c, k, o))
end
"""


# --- the orchestrating process ---------------------------------------------------------------


def vendor() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


@contextmanager
def scratch_database() -> Iterator[dict[str, str]]:
    """The environment of a fresh, migrated scratch database of this run's vendor."""
    env = {**os.environ, "LINLI_TASKS_IMMEDIATE": "1"}
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
        name = url.path.lstrip("/") + "_votes_bench"
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_cast(env: dict[str, str]) -> dict[str, Any]:
    lua = Path(tempfile.mkstemp(suffix=".lua")[1])
    try:
        setup = _child(env, "--cast-setup", str(lua))
        port = _free_port()
        server = subprocess.Popen(
            [
                str(Path(PY).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            base = f"http://127.0.0.1:{port}"
            # Warm both workers on an authenticated read of the motion before the measured run.
            subprocess.run(
                [
                    "wrk",
                    "-t2",
                    "-c4",
                    "-d5s",
                    "--timeout",
                    "10s",
                    "-H",
                    f"Authorization: Bearer {setup['warm_token']}",
                    f"{base}/api/v1/votes/{setup['public_id']}",
                ],
                capture_output=True,
                check=True,
            )
            out = subprocess.run(
                [
                    "wrk",
                    f"-t{THREADS}",
                    f"-c{CONNECTIONS}",
                    f"-d{DURATION}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(lua),
                    f"{base}/api/v1/votes/{setup['public_id']}/ballots",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    finally:
        lua.unlink()
    data = json.loads(out.split("JSON ", 1)[1].splitlines()[0])
    stored = _child(env, "--cast-verify", setup["public_id"])
    seconds = data["duration_us"] / 1e6
    return {
        "voters": setup["voters"],
        "queries": setup["queries"],
        "requests": data["requests"],
        "seconds": round(seconds, 2),
        "ballots_per_s": data["created"] / seconds,
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "created": data["created"],
        "conflict": data["conflict"],
        "errors": data["other"] + data["socket_errors"],
        "stored": stored["ballots"],
        "voters_with_two": stored["voters_with_two"],
    }


def machine() -> str:
    from bench.run import machine as describe

    return describe()


def report(tally: dict[str, Any], cast: dict[str, Any], started: dt.datetime) -> list[str]:
    title = "PostgreSQL" if vendor() == "postgresql" else "SQLite (embedded)"
    t = tally["timings"]
    lines = [
        f"### {title}",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} (Asia/Shanghai)",
        f"- Machine: {machine()}",
        f"- Load average (1 min) at start and end: {cast['load'][0]:.1f}, {cast['load'][1]:.1f} "
        "(the machine is shared; numbers drop under load)",
        "",
        f"#### Tally: {tally['units']:,} flats, {BALLOTS:,} ballots (target <= "
        f"{TALLY_TARGET_S} s for `counting.result_data`)",
        "",
        f"Registry built with bulk inserts in {t['registry_build_s']:.1f} s.",
        "",
        "| motion | roll (voters / owners / units) | open (freeze roll) s | ballots written | "
        "result_data s (cold) | queries | of which SQL aggregate s | by-ballot reference s | "
        "turnout s | public roll CSV s | motion_tally s |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, m in tally["motions"].items():
        ok = "" if m["result_data_s"] <= TALLY_TARGET_S else " (over target)"
        lines.append(
            f"| {kind} | {m['roll_voters']:,} / {m['roll_owners']:,} / {m['roll_units']:,} | "
            f"{m['open_s']:.2f} | {m['current']:,} current ({m['paper']:,} paper) + "
            f"{m['earlier_revisions']:,} earlier revisions | **{m['result_data_s']:.3f}**{ok} "
            f"({m['result_data_cold_s']:.3f}) | {m['queries']} | {m['answer_totals_s']:.3f} | "
            f"{m['by_ballot_s']:.3f} | {m['turnout_s']:.3f} | "
            f"{m['public_roll_csv_s']:.3f} | {m['motion_tally_s']:.2f} |"
        )
    yes_no = tally["motions"]["yes_no"]
    lines += [
        "",
        f"Totals of the yes/no motion: A_T {yes_no['area_total']:,} (0.01 m²), N_T "
        f"{yes_no['headcount_total']:,}, N_P {yes_no['headcount_participating']:,}; "
        f"passed: {yes_no['passed']}. Times are the best of three warm runs; "
        "`motion_tally` = result_data + public roll CSV + writing the result.",
        "",
        f"#### Casting under gunicorn (2 sync workers; wrk -t{THREADS} -c{CONNECTIONS} "
        f"-d{DURATION}s, API token per voter)",
        "",
        "| voters | requests | ballots/s (201) | p50 ms | p95 ms | p99 ms | 201 | "
        "409 (repeat) | errors | ballots stored | SQL queries per cast |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {cast['voters']:,} | {cast['requests']:,} | {cast['ballots_per_s']:.0f} | "
        f"{cast['p50_ms']:.1f} | {cast['p95_ms']:.1f} | {cast['p99_ms']:.1f} | "
        f"{cast['created']:,} | {cast['conflict']:,} | {cast['errors']} | {cast['stored']:,} | "
        f"{cast['queries']} |",
        "",
        f"Ballots stored = 201s counted by wrk + 1 probe cast (for the query count) + requests "
        f"still in flight when wrk stopped; no voter holds two ballots "
        f"({cast['voters_with_two']} found). With 2 sync workers the 50 connections queue, so "
        "latency is mostly waiting for a worker (p50 ≈ 50 / throughput).",
        "",
    ]
    return lines


SECTION = "votes"
SECTION_HEADER = """## Votes (issue 3)

Written by `bench/votes.py` (also run by `make bench`), on a scratch database of the configured
vendor: `.venv/bin/python bench/votes.py` for SQLite,
`DATABASE_URL=postgres://... .venv/bin/python bench/votes.py` for PostgreSQL (a scratch database
`<name>_votes_bench` is created and dropped). See the script's docstring for the data set.

How the tally meets the target: `counting.result_data` aggregates in SQL — each owner's
latest valid revision (ROW_NUMBER), a conflict where co-owners disagree, then COUNT and
SUM(area) per answer joined to the frozen roll — and hands those figures to the engine
(`tally.decide`, `choices.choose_one_from_answers`, `elect_from_answers`). The reference count,
ballot by ballot through the engine (`counting.result_data_by_ballot`, shown for comparison),
must give identical data (linli/votes/tests/test_recompute.py). Opening a 100,000-flat motion
takes 15-20 s, most of it Django building the roll's 288,000 rows for `bulk_create`; on SQLite
the write lock is held that long (a 1,500-unit estate opens in well under a second)."""


def write_votes_section(lines: list[str]) -> None:
    """Replace this vendor's part of the votes section of docs/benchmarks.md, keep the rest."""
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = f"<!-- bench:{SECTION} -->", f"<!-- /bench:{SECTION} -->"
    before, inner, after = text, "", "\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        inner, after = rest.split(end, 1)
    parts: dict[str, str] = {}
    for name in ("sqlite", "postgresql"):
        s, e = f"<!-- votes:{name} -->", f"<!-- /votes:{name} -->"
        if s in inner and e in inner:
            parts[name] = inner.split(s, 1)[1].split(e, 1)[0].strip("\n")
    parts[vendor()] = "\n".join(lines).rstrip("\n")
    body = [SECTION_HEADER, ""]
    for name in ("sqlite", "postgresql"):
        if name in parts:
            body.append(f"<!-- votes:{name} -->\n{parts[name]}\n<!-- /votes:{name} -->\n")
    block = f"{start}\n" + "\n".join(body).rstrip("\n") + f"\n{end}"
    path.write_text(before.rstrip("\n") + "\n\n" + block + "\n" + after.lstrip("\n"))


def main() -> None:
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        sys.exit("bench/votes.py needs wrk: apt-get install wrk")
    started = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    load = os.getloadavg()[0]
    # Two scratch databases: casting is measured without the tally's 100,000-flat data set
    # (and its bulk-load aftermath: WAL checkpoints, autovacuum) in the way.
    with scratch_database() as env:
        tally = _child(env, "--tally")
    with scratch_database() as env:
        cast = bench_cast(env)
    print(json.dumps({"tally": tally, "cast": cast}, indent=1))
    cast["load"] = (load, os.getloadavg()[0])
    lines = report(tally, cast, started)
    write_votes_section(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--tally":
        child_tally()
    elif len(sys.argv) > 2 and sys.argv[1] == "--cast-setup":
        child_cast_setup(sys.argv[2])
    elif len(sys.argv) > 2 and sys.argv[1] == "--cast-verify":
        child_cast_verify(sys.argv[2])
    else:
        main()
