"""The electorate of a decision scope: who votes, with what area (DOMAIN-RULES §1.3).

Inputs are plain frozen dataclasses describing the exclusive parts (units) in the scope and
their owners; the output is the list of voting persons with their summed areas, and the totals
A_T (area, integer hundredths of m²) and N_T (headcount). Counting rules, after SPC-BOI Art. 8–9
and HZ-PMR Art. 17:

- one voting person per set of owners, however many units they hold; areas are summed;
- co-owners of a unit are one voting person and cast one ballot;
- all of the developer's unsold or undelivered units together are one voting person;
- a unit with no known owner still counts as one person with its area (one part, one person);
- parking and shop areas count only if the community's adopted rules say so;
- units whose owners must consent individually (e.g. the elevator shaft's unit) are kept apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

DEVELOPER_KEY = "developer"


class UnitKind(StrEnum):
    FLAT = "flat"
    PARKING = "parking"
    SHOP = "shop"


@dataclass(frozen=True)
class Owner:
    """One owner of a unit; co-owners name one representative who casts the unit's ballot."""

    person_id: int
    is_representative: bool = True


@dataclass(frozen=True)
class ScopeUnit:
    """An exclusive part in the scope, with its area in hundredths of m² and its owners.

    `developer_held` marks a unit the developer still holds (unsold, or sold but undelivered).
    """

    id: int
    kind: UnitKind
    area: int
    owners: tuple[Owner, ...] = ()
    developer_held: bool = False


@dataclass(frozen=True)
class ElectorateRules:
    """How a community's adopted rules (议事规则) count parking and shop parts.

    `count_owners_of_uncounted_parts`: whether someone who owns only parts whose area does not
    count (e.g. only a parking space) still counts in the headcount. SPC-BOI Art. 9 says yes
    unless the rules say otherwise (DOMAIN-RULES §10.2, an open question), so the default is yes.
    """

    count_parking_area: bool = False
    count_shop_area: bool = True
    count_owners_of_uncounted_parts: bool = True

    def counts_area_of(self, kind: UnitKind) -> bool:
        """Whether the area of a unit of this kind counts in A_T."""
        if kind is UnitKind.PARKING:
            return self.count_parking_area
        if kind is UnitKind.SHOP:
            return self.count_shop_area
        return True


@dataclass(frozen=True)
class Voter:
    """One voting person of the electorate: counts once in N_T, with `area` in A_T.

    `owner_ids` are the persons who may cast this voter's ballot (co-owners, or whoever is
    recorded as owning the developer's units); `unit_ids` are all its units in the scope,
    including those whose area does not count.
    """

    key: str
    unit_ids: tuple[int, ...]
    area: int
    owner_ids: tuple[int, ...]
    representative_id: int | None
    is_developer: bool = False


@dataclass(frozen=True)
class Electorate:
    """The voting persons of a scope and its totals A_T and N_T.

    Invariants: voters are sorted by key and unique; `area_total` is the sum of their areas;
    `headcount_total` is their number; units needing individual consent are in no voter.
    """

    voters: tuple[Voter, ...]
    consent_unit_ids: tuple[int, ...] = ()
    unowned_unit_ids: tuple[int, ...] = ()
    area_total: int = field(init=False)
    headcount_total: int = field(init=False)

    def __post_init__(self) -> None:
        keys = [voter.key for voter in self.voters]
        if keys != sorted(set(keys)):
            raise ValueError("electorate voters must be unique and sorted by key")
        object.__setattr__(self, "area_total", sum(voter.area for voter in self.voters))
        object.__setattr__(self, "headcount_total", len(self.voters))

    def by_key(self) -> dict[str, Voter]:
        """The voters indexed by key."""
        return {voter.key: voter for voter in self.voters}


def owner_key(person_ids: Iterable[int]) -> str:
    """The voter key of a set of owners: 'p7', or 'p3+p8' for co-owners (order-insensitive)."""
    ids = sorted(set(person_ids))
    if not ids:
        raise ValueError("an owner key needs at least one person")
    return "+".join(f"p{person_id}" for person_id in ids)


def unowned_key(unit_id: int) -> str:
    """The voter key of a unit with no known owner."""
    return f"u{unit_id}"


def build_electorate(
    units: Iterable[ScopeUnit],
    rules: ElectorateRules | None = None,
    *,
    individual_consent: frozenset[int] = frozenset(),
) -> Electorate:
    """The electorate of a scope: one voter per owner set, the developer's units as one voter.

    Invariants: every unit outside `individual_consent` belongs to exactly one voter (unless it
    is the only kind of part its owners hold, its area does not count, and the rules drop such
    owners); a unit's area counts only per `rules`; the result does not depend on unit order.
    Raises ValueError on a duplicate unit id or a negative area.
    """
    rules = rules or ElectorateRules()
    seen: set[int] = set()
    consent: list[int] = []
    unowned: list[int] = []
    # key → (unit ids, counted area, whether any unit's area counts, owner ids, representative)
    groups: dict[str, tuple[list[int], int, bool, set[int], int | None]] = {}
    for unit in sorted(units, key=lambda u: u.id):
        if unit.id in seen:
            raise ValueError(f"duplicate unit {unit.id}")
        seen.add(unit.id)
        if unit.area < 0:
            raise ValueError(f"unit {unit.id} has a negative area")
        if unit.id in individual_consent:
            consent.append(unit.id)
            continue
        person_ids = {owner.person_id for owner in unit.owners}
        if unit.developer_held:
            key = DEVELOPER_KEY
        elif person_ids:
            key = owner_key(person_ids)
        else:
            key = unowned_key(unit.id)
            unowned.append(unit.id)
        counted = rules.counts_area_of(unit.kind)
        representative = next(
            (owner.person_id for owner in unit.owners if owner.is_representative), None
        )
        unit_ids, area, any_counted, owners, rep = groups.get(key, ([], 0, False, set(), None))
        unit_ids.append(unit.id)
        owners |= person_ids
        groups[key] = (
            unit_ids,
            area + (unit.area if counted else 0),
            any_counted or counted,
            owners,
            rep if rep is not None else representative,
        )
    voters = tuple(
        Voter(
            key=key,
            unit_ids=tuple(unit_ids),
            area=area,
            owner_ids=tuple(sorted(owners)),
            representative_id=rep,
            is_developer=key == DEVELOPER_KEY,
        )
        for key, (unit_ids, area, any_counted, owners, rep) in sorted(groups.items())
        if any_counted or rules.count_owners_of_uncounted_parts
    )
    return Electorate(
        voters=voters, consent_unit_ids=tuple(consent), unowned_unit_ids=tuple(unowned)
    )
