"""Login throttling that slows attackers but never locks a resident out for good.

After `free_attempts` failures inside `window_seconds`, each further attempt must wait a
cool-off that doubles per failure, capped at `max_cooloff_seconds`. A success, or a quiet
window, resets the count. Nothing here is permanent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottlePolicy:
    free_attempts: int = 5
    base_cooloff_seconds: int = 60
    max_cooloff_seconds: int = 15 * 60
    window_seconds: int = 24 * 3600


@dataclass(frozen=True)
class ThrottleState:
    failures: int
    last_failure_at: float | None


def cooloff_seconds(policy: ThrottlePolicy, failures: int) -> int:
    """How long to wait after `failures` consecutive failures (0 while attempts are free)."""
    over = failures - policy.free_attempts
    if over < 0:
        return 0
    return min(policy.base_cooloff_seconds * (1 << min(over, 30)), policy.max_cooloff_seconds)


def effective_failures(policy: ThrottlePolicy, state: ThrottleState, now: float) -> int:
    """Failures that still count: a quiet window forgets them all."""
    if state.last_failure_at is None or now - state.last_failure_at >= policy.window_seconds:
        return 0
    return state.failures


def retry_after(policy: ThrottlePolicy, state: ThrottleState, now: float) -> int:
    """Seconds until the next attempt is allowed (0 = allowed now)."""
    failures = effective_failures(policy, state, now)
    if failures == 0 or state.last_failure_at is None:
        return 0
    wait = cooloff_seconds(policy, failures) - (now - state.last_failure_at)
    return max(0, int(wait + 0.999))


def after_failure(policy: ThrottlePolicy, state: ThrottleState, now: float) -> ThrottleState:
    """The state after one more failure."""
    return ThrottleState(failures=effective_failures(policy, state, now) + 1, last_failure_at=now)


def wait_minutes(seconds: int) -> int:
    """Whole minutes to tell a person about a wait of `seconds`: rounded up, 0 only for no wait."""
    if seconds <= 0:
        return 0
    return -(-seconds // 60)
