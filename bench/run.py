"""`make bench`: measure what the issues ask for and write docs/benchmarks.md.

1. Roster import of a generated 10,000-unit .xlsx (bench/import_roster.py, on a scratch DB).
2. Pages under gunicorn (2 workers) at demo scale, driven by wrk -t2 -c16: req/s, p50, p95,
   plus the number of SQL queries each page runs and the memory of each worker.
3. bench/votes.py (issue 3) and bench/finance.py (issue 4), which write their own sections.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
PY = sys.executable
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))

WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p95_us\\": %d, \\"p99_us\\": %d, \\"errors\\": %d, \\"non2xx\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except OSError:
        mem = "unknown memory"
    return f"{os.cpu_count()} cores ({cpu}), {mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def bench_import() -> dict:
    script = ROOT / "bench" / "import_roster.py"
    if not script.exists():
        return {"error": "bench/import_roster.py missing"}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "LINLI_VAR_DIR": tmp, "LINLI_SECRET_KEY": "bench-" + "x" * 50}
        env.pop("DATABASE_URL", None)
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        out = subprocess.run(
            [PY, str(script)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
    for line in reversed(out.stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    return {"error": out.stdout[-500:]}


def page_targets() -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """(label, path, who) for each page, and a session cookie per demo account kind."""
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from linli.accounts.models import Role, RoleAssignment
    from linli.notices.models import Notice
    from linli.registry.models import Community, Estate, Ownership

    community = Community.objects.get(code="shangyangshi")
    estate = Estate.objects.get(community=community, name="金狮苑")
    owner = (
        Ownership.objects.filter(
            community=community, person__user__isnull=False, until__isnull=True
        )
        .select_related("person__user")
        .order_by("id")
        .first()
    )
    worker = (
        RoleAssignment.objects.filter(community=community, role=Role.WORKER)
        .select_related("user")
        .first()
    )
    notice = Notice.objects.filter(community=community, status="published").order_by("id").first()
    assert notice is not None, "demo data lacks a published notice"
    assert owner is not None and worker is not None, "demo data lacks an owner account or a worker"
    cookies = {}
    for who, user in (("owner", owner.person.user), ("worker", worker.user)):
        client = Client()
        client.force_login(user)
        cookies[who] = client.cookies["sessionid"].value
    targets = [
        ("Resident home (我的家)", reverse("accounts:my_home"), "owner"),
        ("Estate page (金狮苑, staff)", reverse("registry:estate", args=[estate.id]), "worker"),
        ("Estate page (金狮苑, owner)", reverse("registry:estate", args=[estate.id]), "owner"),
        ("Notice board", reverse("notices:board"), "owner"),
        ("Unit detail (owner's flat)", reverse("registry:unit", args=[owner.unit_id]), "owner"),
        ("Notice detail (public)", reverse("notices:detail", args=[notice.public_id]), "anon"),
    ]
    cookies["anon"] = ""
    return targets, cookies


def count_queries(targets: list[tuple[str, str, str]], cookies: dict[str, str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for label, path, who in targets:
        client = Client()
        if cookies[who]:
            client.cookies["sessionid"] = cookies[who]
        client.get(path)  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200, (label, response.status_code)
        counts[label] = len(ctx.captured_queries)
    return counts


def worker_rss_mib(master_pid: int) -> list[float]:
    children = subprocess.run(
        ["pgrep", "-P", str(master_pid)], capture_output=True, text=True
    ).stdout.split()
    sizes = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            sizes.append(int(match.group(1)) / 1024)
    return sizes


def bench_pages() -> tuple[list[dict], list[float]]:
    targets, cookies = page_targets()
    queries = count_queries(targets, cookies)
    port = free_port()
    lua = Path(tempfile.mkstemp(suffix=".lua")[1])
    lua.write_text(WRK_LUA)
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
    )
    results = []
    rss: list[float] = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for label, path, who in targets:
            url = f"http://127.0.0.1:{port}{path}"
            header = f"Cookie: sessionid={cookies[who]}" if cookies[who] else "Accept: text/html"
            subprocess.run(
                ["wrk", "-t2", "-c16", "-d2s", "-H", header, url], capture_output=True, check=True
            )
            out = subprocess.run(
                ["wrk", "-t2", "-c16", f"-d{DURATION}s", "-H", header, "-s", str(lua), url],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            data = json.loads(out.split("JSON ", 1)[1].splitlines()[0])
            results.append(
                {
                    "label": label,
                    "path": path,
                    "rps": data["requests"] / (data["duration_us"] / 1e6),
                    "p50_ms": data["p50_us"] / 1000,
                    "p95_ms": data["p95_us"] / 1000,
                    "errors": data["errors"] + data["non2xx"],
                    "queries": queries[label],
                }
            )
        rss = worker_rss_mib(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        lua.unlink()
    return results, rss


def main() -> None:
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        sys.exit("make bench needs wrk: apt-get install wrk")
    started = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    imp = bench_import()
    pages, rss = bench_pages()
    vendor = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    title = "PostgreSQL" if vendor == "postgresql" else "SQLite (embedded)"
    lines = [
        f"## {title}",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} (Asia/Shanghai)",
        f"- Machine: {machine()}",
        "",
        "### Roster import (10,000-unit .xlsx, on a scratch SQLite database)",
        "",
        "Target: < 20 s.",
        "",
    ]
    if "error" in imp:
        lines.append(f"Not measured: {imp['error']}")
    else:
        lines += [
            "| rows | units | seconds | rows/s |",
            "|---:|---:|---:|---:|",
            f"| {imp.get('rows', '?')} | {imp.get('units', '?')} | {imp.get('seconds', 0):.2f} | "
            f"{imp.get('rows_per_second', 0):.0f} |",
        ]
    lines += [
        "",
        f"### Pages at demo scale (gunicorn, 2 sync workers; wrk -t2 -c16 -d{DURATION}s)",
        "",
        "| page | path | req/s | p50 ms | p95 ms | errors | SQL queries |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in pages:
        lines.append(
            f"| {r['label']} | `{r['path']}` | {r['rps']:.0f} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['errors']} | {r['queries']} |"
        )
    if rss:
        lines += [
            "",
            f"Worker memory after the run: {', '.join(f'{m:.0f} MiB' for m in rss)} (RSS).",
        ]
    write_section(vendor, lines)
    print("\n".join(lines))
    # Votes (issue 3): tally and casting benchmarks; they write their own section.
    subprocess.run([PY, str(ROOT / "bench" / "votes.py")], cwd=ROOT, check=True)
    # Sunshine finance (issue 4): hash chain and statement benchmarks; their own section too.
    subprocess.run([PY, str(ROOT / "bench" / "finance.py")], cwd=ROOT, check=True)


HEADER = """# Benchmarks

Written by `make bench` (bench/run.py): SQLite by default, PostgreSQL with
`DATABASE_URL=postgres://... make bench`. Each run replaces only its own database's section.
Numbers are from one run on the machine named; rerun to compare on yours.

The project's bar, for comparison: with 2 gunicorn workers and 1,000 items, a list page
>= 140 req/s and a detail page >= 430 req/s (wrk -t2 -c16), under 95 MiB per worker.
"""


def write_section(vendor: str, lines: list[str]) -> None:
    """Replace this database's section of docs/benchmarks.md, keeping the other one."""
    path = ROOT / "docs" / "benchmarks.md"
    sections: dict[str, str] = {}
    if path.exists():
        text = path.read_text()
        # "votes" and "finance" are written by bench/votes.py and bench/finance.py; keep them.
        for name in ("sqlite", "postgresql", "votes", "finance"):
            start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
            if start in text and end in text:
                sections[name] = text.split(start, 1)[1].split(end, 1)[0].strip("\n")
    sections[vendor] = "\n".join(lines)
    parts = [HEADER]
    for name in ("sqlite", "postgresql", "votes", "finance"):
        if name in sections:
            parts.append(f"<!-- bench:{name} -->\n{sections[name]}\n<!-- /bench:{name} -->\n")
    path.write_text("\n".join(parts))


if __name__ == "__main__":
    main()
