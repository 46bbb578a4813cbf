"""The production configuration passes Django's deployment checks, warnings included."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# Set by the test run itself (conftest.py sets the async one for Playwright); never in production.
TEST_ONLY_VARIABLES = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_check_deploy(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LINLI_") and key not in TEST_ONLY_VARIABLES
    }
    # Keep the run's database choice (SQLite or PostgreSQL) but none of its LINLI_* tweaks.
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_check_deploy(
        LINLI_HTTPS="1",
        LINLI_DEBUG="0",
        LINLI_SECRET_KEY=secrets.token_urlsafe(48),
        # Production sends real email (Django refuses the console backend in deployment).
        LINLI_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_without_https():
    # The same check must notice a missing transport protection, or the test above proves nothing.
    result = run_check_deploy(
        LINLI_HTTPS="0", LINLI_DEBUG="0", LINLI_SECRET_KEY=secrets.token_urlsafe(48)
    )

    assert result.returncode == 1
    assert "security.W004" in result.stderr  # SECURE_HSTS_SECONDS
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT


ENV_READ = re.compile(
    r"""(?:env_(?:str|bool|int|list)\(\s*|os\.environ\.get\(\s*|os\.getenv\(\s*|os\.environ\[\s*)["']([A-Z][A-Z0-9_]*)["']"""
)


def test_every_environment_variable_the_code_reads_is_documented_in_the_readme():
    base = Path(settings.BASE_DIR)
    code = [*(base / "config").glob("*.py"), *(base / "linli").rglob("*.py")]
    sources = [base / "conftest.py", *(path for path in code if "tests" not in path.parts)]
    read = {name for path in sources for name in ENV_READ.findall(path.read_text(encoding="utf-8"))}
    # Set by Django and the tools, not by people installing Linli.
    read -= {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    readme = (base / "README.md").read_text(encoding="utf-8")

    undocumented = sorted(name for name in read if f"`{name}`" not in readme)

    assert "LINLI_SECRET_KEY" in read  # the scan itself works
    assert undocumented == [], f"Add these to README.md, Configuration: {undocumented}"
