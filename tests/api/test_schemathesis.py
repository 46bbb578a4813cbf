"""Schemathesis against the live OpenAPI schema, in-process through the WSGI application.

Every operation is fuzzed (bounded and derandomised, so CI sees the same cases every run) as
the community worker of 甲 with a browser session (CSRF token included) and as nobody; then
every operation is called once with arguments that exist, so each 200 answer is checked
against its schema too. A failure is a real mismatch between the API and its contract.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from linli.core import clock
from tests.api.conftest import ApiWorld

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# An explicit configuration (no schemathesis.toml discovery) with a fixed seed.
CONFIG = schemathesis.Config.from_dict({"seed": 20250601, "generation": {"max-examples": 25}})

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
)


@pytest.mark.parametrize("caller", ["session", "anonymous"])
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    # One world per operation, shared by its examples: an example that writes (marks the
    # notification read, announces the draft, casts the ballot) may leave a later one a 409,
    # which the contract declares.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_fuzzed_requests_keep_the_contract(case, caller, api_world):
    who = api_world.callers[caller]

    case.call_and_validate(headers=who.headers, cookies=who.cookies, checks=CHECKS)


def existing_arguments(api: ApiWorld) -> dict[str, dict[str, Any]]:
    """Arguments naming things that exist in 甲, per operationId."""
    a = api.world.a
    v = api.votes
    m = api.finance
    today = clock.today()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return {
        "accounts_me": {},
        "inbox_list": {"query": {"unread_only": "true"}},
        "inbox_read": {"path_parameters": {"notification_id": api.notification.pk}},
        "notices_list": {"query": {"community_id": a.community.pk}},
        "notices_get": {"path_parameters": {"public_id": str(api.notice.public_id)}},
        "registry_estates": {"query": {"community_id": a.community.pk}},
        "registry_estate": {"path_parameters": {"estate_id": a.estate.pk}},
        "registry_building": {"path_parameters": {"building_id": a.building.pk}},
        "registry_entrance_units": {"path_parameters": {"entrance_id": a.entrance.pk}},
        "registry_unit": {"path_parameters": {"unit_id": a.unit.pk}},
        "registry_person": {"path_parameters": {"person_id": a.owner_person.pk}},
        "votes_list": {"query": {"status": "open"}},
        "votes_get": {"path_parameters": {"public_id": str(v.open.public_id)}},
        "votes_cast": {
            "path_parameters": {"public_id": str(v.open.public_id)},
            "body": {"voter_id": v.voter_id, "choice": "yes"},
        },
        "votes_result": {"path_parameters": {"public_id": str(v.published.public_id)}},
        "votes_roll": {"path_parameters": {"public_id": str(v.published.public_id)}},
        "votes_manage_create": {
            "body": {"estate_id": a.estate.pk, "title": "加装电梯", "matter": "rebuild"}
        },
        "votes_manage_update": {
            "path_parameters": {"motion_id": v.draft.pk},
            "body": {"title": "草稿表决（修改）"},
        },
        "votes_manage_announce": {
            "path_parameters": {"motion_id": v.draft.pk},
            "body": {
                "opens_on": str(today + datetime.timedelta(days=15)),
                "closes_on": str(today + datetime.timedelta(days=24)),
            },
        },
        "votes_manage_open": {"path_parameters": {"motion_id": v.due.pk}},
        "votes_manage_close": {"path_parameters": {"motion_id": v.ended.pk}},
        "votes_manage_tally": {"path_parameters": {"motion_id": v.closed.pk}},
        "votes_manage_publish": {"path_parameters": {"motion_id": v.tallied.pk}},
        "votes_manage_turnout": {"path_parameters": {"motion_id": v.open.pk}},
        "finance_accounts": {},
        "finance_account": {"path_parameters": {"account_id": m.income.pk}},
        "finance_entries": {
            "path_parameters": {"account_id": m.income.pk},
            "query": {"limit": 10},
        },
        "finance_verify": {"path_parameters": {"account_id": m.income.pk}},
        "finance_income": {
            "path_parameters": {"account_id": m.income.pk},
            "body": {"category": "parking", "amount": 30_000, "description": "停车费"},
        },
        "finance_expense_record": {
            "path_parameters": {"account_id": m.income.pk},
            "body": {
                "category": "cleaning",
                "description": "楼道保洁",
                "counterparty": "杭州洁美保洁公司",
                "amount": 20_000,
            },
        },
        "finance_receipt_add": {
            "path_parameters": {"expense_id": m.pending.pk},
            "body": {"file": b"%PDF-1.4\n% receipt\n", "kind": "receipt"},
            "media_type": "multipart/form-data",
        },
        "finance_expense": {"path_parameters": {"expense_id": m.pending.pk}},
        "finance_expense_decide": {
            "path_parameters": {"expense_id": m.pending.pk},
            "body": {"approve": True},
        },
        "finance_expense_motion": {
            "path_parameters": {"expense_id": m.emergency.pk},
            "body": {"motion_id": m.motion.pk},
        },
        "finance_expense_confirm": {
            "path_parameters": {"expense_id": m.emergency.pk},
            "body": {"step": "street_office_confirmation", "document_ref": "街道〔2026〕1号"},
        },
        "finance_plan_create": {
            "path_parameters": {"account_id": m.project.pk},
            "body": {
                "title": "门禁更换分摊",
                "scheme": "by_area",
                "gross": 300_000,
                "roster": [a.unit.pk, a.other_unit.pk],
            },
        },
        "finance_plan": {"path_parameters": {"plan_id": m.plan.pk}},
        "finance_plan_issue": {"path_parameters": {"plan_id": m.draft_plan.pk}},
        "finance_payment": {
            "path_parameters": {"share_id": m.share.pk},
            "body": {"amount": 10_000, "channel": "bank"},
        },
        "finance_statement_publish": {
            "path_parameters": {"account_id": m.running.pk},
            "body": {"period": "month", "starts_on": str(last_month)},
        },
        "finance_public_account": {"path_parameters": {"public_id": str(m.income.public_id)}},
        "finance_public_entries": {"path_parameters": {"public_id": str(m.income.public_id)}},
        "finance_public_statement": {"path_parameters": {"public_id": str(m.statement.public_id)}},
        "finance_mine": {},
    }


# What each operation answers the worker on success, when it is not 200.
CREATED = {
    "votes_cast": 201,
    "votes_manage_create": 201,
    "finance_income": 201,
    "finance_expense_record": 201,
    "finance_receipt_add": 201,
    "finance_expense_confirm": 201,
    "finance_plan_create": 201,
    "finance_payment": 201,
    "finance_statement_publish": 201,
}
# Operations anyone may call.
PUBLIC = {
    "notices_get",
    "votes_result",
    "votes_roll",
    "finance_public_account",
    "finance_public_entries",
    "finance_public_statement",
}


def operation_ids() -> list[str]:
    return sorted(op.ok().definition.raw["operationId"] for op in schema.get_all_operations())


def test_every_operation_has_existing_arguments_below(api_world):
    # A new endpoint needs an entry in `existing_arguments`, so its 200 is checked as well.
    assert sorted(existing_arguments(api_world)) == operation_ids()


@pytest.mark.parametrize("caller", ["session", "token"])
@pytest.mark.parametrize("operation_id", operation_ids())
def test_the_worker_gets_200_in_the_documented_shape(operation_id, caller, api_world):
    who = api_world.callers[caller]
    operation = schema.find_operation_by_id(operation_id)
    case = operation.Case(**existing_arguments(api_world)[operation_id])

    response = case.call_and_validate(headers=who.headers, cookies=who.cookies, checks=CHECKS)

    assert response.status_code == CREATED.get(operation_id, 200), response.text


@pytest.mark.parametrize("operation_id", operation_ids())
def test_nobody_gets_401_except_for_public_notices(operation_id, api_world):
    operation = schema.find_operation_by_id(operation_id)
    case = operation.Case(**existing_arguments(api_world)[operation_id])

    response = case.call_and_validate(checks=CHECKS)

    expected = 200 if operation_id in PUBLIC else 401
    assert response.status_code == expected, response.text


EXTREME_INTEGERS = [2**63, 2**64 + 1, -(2**63) - 1]


def integer_parameters() -> list[tuple[str, str, str]]:
    """(operationId, location, name) of every integer path or query parameter."""
    found = []
    for result in schema.get_all_operations():
        raw = result.ok().definition.raw
        for parameter in raw.get("parameters", []):
            types = {parameter["schema"].get("type")}
            types |= {option.get("type") for option in parameter["schema"].get("anyOf", [])}
            if "integer" in types:
                found.append((raw["operationId"], parameter["in"], parameter["name"]))
    return sorted(found)


@pytest.mark.parametrize(("operation_id", "location", "name"), integer_parameters())
def test_integers_beyond_64_bits_are_refused_or_not_found_never_a_500(
    operation_id, location, name, api_world
):
    """Fuzzing seldom draws numbers this large; the database cannot store them (a 500 if one
    reaches an OFFSET unchecked), so each integer parameter gets them on purpose."""
    who = api_world.callers["session"]
    arguments = existing_arguments(api_world)[operation_id]
    key = {"path": "path_parameters", "query": "query"}[location]
    statuses = set()
    for value in EXTREME_INTEGERS:
        case = schema.find_operation_by_id(operation_id).Case(
            **{**arguments, key: {**arguments.get(key, {}), name: value}}
        )
        response = case.call_and_validate(headers=who.headers, cookies=who.cookies, checks=CHECKS)
        statuses.add(response.status_code)

    assert statuses <= {200, 404, 422}
