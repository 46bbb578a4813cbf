"""Fixtures for the inbox tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def immediate_tasks(settings):
    """Run django.tasks at once (the huey backend is for real deployments)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
