"""Test builders for sunshine finance on one side of the test world (tests/world.py).

`finance_side(side)` ties the side's committee user to the estate's owners' committee and its
property user to the estate's property company (the world leaves both untied), adds a second
committee member and a second property staff member, and opens four accounts of the estate:
maintenance fund (first deposit 1,000,000.00), common income, a project fund and the
committee's running costs. `fund(...)` puts money into an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linli.accounts.models import Role, RoleAssignment
from linli.finance import services
from linli.finance.models import Account, Category
from linli.registry.models import Organisation
from tests import factories as f


@dataclass
class FinanceSide:
    side: Any
    worker: Any
    committee: Any
    committee2: Any
    property: Any
    property2: Any
    fund: Account
    income: Account
    project: Account
    running: Account


def finance_side(side: Any) -> FinanceSide:
    community, estate = side.community, side.estate
    committee_org = f.OrganisationFactory(
        community=community,
        kind=Organisation.Kind.OWNERS_COMMITTEE,
        name=f"{estate.name}业主委员会",
        estate=estate,
    )
    company = f.OrganisationFactory(
        community=community,
        kind=Organisation.Kind.PROPERTY_COMPANY,
        name="杭州绿城物业服务有限公司",
        estate=estate,
    )
    RoleAssignment.objects.filter(user=side.users["committee"], community=community).filter(
        role=Role.COMMITTEE
    ).update(organisation=committee_org)
    RoleAssignment.objects.filter(user=side.users["property"], community=community).filter(
        role=Role.PROPERTY
    ).update(organisation=company)
    committee2 = f.UserFactory(name="第二委员")
    f.RoleFactory(
        user=committee2, community=community, role=Role.COMMITTEE, organisation=committee_org
    )
    property2 = f.UserFactory(name="第二物业")
    f.RoleFactory(user=property2, community=community, role=Role.PROPERTY, organisation=company)
    worker = side.users["worker"]

    def open_(kind: str, name: str, **extra: Any) -> Account:
        return services.account_open(
            actor=worker, community=community, estate=estate, kind=kind, name=name, **extra
        )

    return FinanceSide(
        side=side,
        worker=worker,
        committee=side.users["committee"],
        committee2=committee2,
        property=side.users["property"],
        property2=property2,
        fund=open_(Account.Kind.MAINTENANCE_FUND, "专项维修资金", first_deposit=100_000_000),
        income=open_(Account.Kind.COMMON_INCOME, "公共收益"),
        project=open_(Account.Kind.PROJECT_FUND, "24幢加装电梯"),
        running=open_(Account.Kind.COMMITTEE_COSTS, "业委会工作经费"),
    )


def fund(actor: Any, account: Account, amount: int, **fields: Any) -> Any:
    """Money into an account: a deposit by area on the maintenance fund, parking income on
    the others."""
    category = (
        Category.DEPOSIT if account.kind == Account.Kind.MAINTENANCE_FUND else Category.PARKING
    )
    fields.setdefault("description", "入账")
    return services.income_record(
        actor=actor, account_id=account.pk, category=category, amount=amount, **fields
    )
