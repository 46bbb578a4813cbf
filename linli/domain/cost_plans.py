"""Sharing a cost among units: schemes, subsidies, opt-outs and rounding (DOMAIN-RULES §3.4).

A plan turns a net cost in fen into one share per unit of a roster, in roster order:
- (A) a floor-percentage table that sums to exactly 100%, each floor's part split equally (or
  by area) among its flats;
- (B) floor coefficient × area, floors without a coefficient exempt;
- (C) explicit amounts agreed in the agreement, which must sum to the net cost;
- the Civil Code Art. 283 default, by share of exclusive area (§1.5).
Every scheme reduces to exact rational weights, and `apportion` rounds them to the fen with
the largest-remainder method, ties broken in roster order, so the shares always add up to the
net cost exactly. Units that opt out keep their weight on record but pay nothing; their part
is spread over the others in proportion to the same weights. Coefficients and percentages are
`Fraction` or `int` (0.7 is `Fraction(7, 10)`); floats are refused, as they are not exact.
Money is integer fen, areas integer hundredths of m².
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from math import floor

type UnitKey = int | str
type Exact = Fraction | int

PERCENT_TOTAL = 100


class PlanCode(StrEnum):
    """Why a plan was refused."""

    NEGATIVE_COST = "negative_cost"
    NEGATIVE_WEIGHT = "negative_weight"
    INEXACT_NUMBER = "inexact_number"
    DUPLICATE_UNIT = "duplicate_unit"
    UNKNOWN_UNIT = "unknown_unit"
    PERCENT_TOTAL_NOT_100 = "percent_total_not_100"
    FLOOR_NOT_IN_TABLE = "floor_not_in_table"
    FLOOR_WITHOUT_PAYERS = "floor_without_payers"
    AMOUNTS_NOT_NET = "amounts_not_net"
    NO_PAYERS = "no_payers"


class PlanError(ValueError):
    """A plan that cannot be made; `code` says why and `detail` names the figure at fault."""

    def __init__(self, code: PlanCode, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else str(code))
        self.code = code
        self.detail = detail


class Scheme(StrEnum):
    FLOOR_PERCENT = "floor_percent"
    COEFFICIENT_AREA = "coefficient_area"
    EXPLICIT = "explicit"
    # CC Art. 283: no agreement, so by share of exclusive area.
    BY_AREA = "by_area"


class Split(StrEnum):
    """How a floor's percentage is split among the flats on that floor."""

    EQUAL = "equal"
    AREA = "area"


@dataclass(frozen=True)
class Unit:
    """One unit of the roster: its key, floor and exclusive area in hundredths of m².

    Invariant: area ≥ 0.
    """

    key: UnitKey
    floor: int
    area: int

    def __post_init__(self) -> None:
        if self.area < 0:
            raise PlanError(PlanCode.NEGATIVE_WEIGHT, f"area of {self.key}")


@dataclass(frozen=True)
class NetCost:
    """A gross cost less the construction subsidy applied to it.

    Invariants: net = max(gross − subsidy, 0); net + applied_subsidy = gross;
    unused_subsidy = subsidy − applied_subsidy ≥ 0, recorded rather than lost.
    """

    gross_fen: int
    subsidy_fen: int
    net_fen: int
    unused_subsidy_fen: int

    @property
    def applied_subsidy_fen(self) -> int:
        return self.subsidy_fen - self.unused_subsidy_fen


def net_cost(gross_fen: int, subsidy_fen: int) -> NetCost:
    """The net cost to share: never below zero, with any unused subsidy recorded.

    Raises PlanError(NEGATIVE_COST) when either amount is negative.
    """
    if gross_fen < 0 or subsidy_fen < 0:
        raise PlanError(PlanCode.NEGATIVE_COST, f"gross {gross_fen}, subsidy {subsidy_fen}")
    net = max(gross_fen - subsidy_fen, 0)
    return NetCost(gross_fen, subsidy_fen, net, subsidy_fen - (gross_fen - net))


@dataclass(frozen=True)
class Share:
    """One unit's share: whole fen, and the exact quota it was rounded from.

    Invariant: fen is floor(quota) or floor(quota) + 1, so |fen − quota| < 1.
    """

    key: UnitKey
    fen: int
    quota: Fraction


def apportion(net_fen: int, weights: Sequence[tuple[UnitKey, Exact]]) -> tuple[Share, ...]:
    """Split net_fen in proportion to weights, rounding by largest remainder to the fen.

    Invariants: one share per weight, in the given (roster) order; the shares sum to net_fen
    exactly; each is its exact quota net·w/Σw rounded down, plus one fen for the units with
    the largest remainders, ties going to the earlier unit; a zero weight pays nothing.
    A zero net gives zero shares whatever the weights. Raises PlanError for a negative net
    or weight, a float weight, a repeated key, or a positive net with no positive weight.
    """
    if net_fen < 0:
        raise PlanError(PlanCode.NEGATIVE_COST, str(net_fen))
    exact = [(key, _exact(weight, key)) for key, weight in weights]
    _check_unique(key for key, _ in exact)
    total = sum((weight for _, weight in exact), Fraction(0))
    if total == 0:
        if net_fen:
            raise PlanError(PlanCode.NO_PAYERS, "no unit has a positive weight")
        return tuple(Share(key, 0, Fraction(0)) for key, _ in exact)
    quotas = [net_fen * weight / total for _, weight in exact]
    fen = [floor(quota) for quota in quotas]
    leftover = net_fen - sum(fen)
    # Largest remainder first; sorted() is stable, so equal remainders keep roster order.
    by_remainder = sorted(range(len(quotas)), key=lambda i: fen[i] - quotas[i])
    for i in by_remainder[:leftover]:
        fen[i] += 1
    return tuple(
        Share(key, amount, quota)
        for (key, _), amount, quota in zip(exact, fen, quotas, strict=True)
    )


@dataclass(frozen=True)
class Plan:
    """A cost shared among a roster under one scheme, with its working.

    Invariants: `weights` holds every unit of the roster in roster order with its exact
    weight under the scheme, opted-out units included; `shares` follows the same order,
    opted-out units get 0 fen, and the shares sum to `net_fen` exactly.
    """

    scheme: Scheme
    net_fen: int
    weights: tuple[tuple[UnitKey, Fraction], ...]
    opted_out: tuple[UnitKey, ...]
    shares: tuple[Share, ...]

    def share_of(self, key: UnitKey) -> int:
        """The fen `key` pays. Raises KeyError for a unit outside the roster."""
        for share in self.shares:
            if share.key == key:
                return share.fen
        raise KeyError(key)

    def for_cost(self, net_fen: int) -> Plan:
        """The same weights and opt-outs applied to another cost, e.g. yearly O&M (C5)."""
        return _plan(self.scheme, net_fen, self.weights, self.opted_out)


def plan_floor_percent(
    units: Sequence[Unit],
    percents: Mapping[int, Exact],
    net_fen: int,
    *,
    split: Split = Split.EQUAL,
    opted_out: Collection[UnitKey] = (),
) -> Plan:
    """Scheme (A): share_i = net × pct[floor_i] × w_i / Σ_{j on floor_i} w_j, w = 1 or area.

    Invariants: the table sums to exactly 100 (else PERCENT_TOTAL_NOT_100, C2); every
    unit's floor is in the table (FLOOR_NOT_IN_TABLE; list exempt floors with 0); a floor
    with a positive percentage has someone to pay it (FLOOR_WITHOUT_PAYERS). Opted-out units
    count in their floor's split, so their part is spread over everyone, not their floor.
    """
    table = {floor_: _exact(pct, f"floor {floor_}") for floor_, pct in percents.items()}
    if sum(table.values(), Fraction(0)) != PERCENT_TOTAL:
        raise PlanError(PlanCode.PERCENT_TOTAL_NOT_100, str(sum(table.values(), Fraction(0))))
    per_floor: dict[int, int] = {}
    for unit in units:
        if unit.floor not in table:
            raise PlanError(PlanCode.FLOOR_NOT_IN_TABLE, f"floor {unit.floor} of {unit.key}")
        size = 1 if split is Split.EQUAL else unit.area
        per_floor[unit.floor] = per_floor.get(unit.floor, 0) + size
    for floor_, pct in table.items():
        if pct and not per_floor.get(floor_):
            raise PlanError(PlanCode.FLOOR_WITHOUT_PAYERS, f"floor {floor_}")
    weights = [
        (
            unit.key,
            table[unit.floor]
            * (1 if split is Split.EQUAL else unit.area)
            / (per_floor[unit.floor] * PERCENT_TOTAL),
        )
        for unit in units
    ]
    return _plan(Scheme.FLOOR_PERCENT, net_fen, weights, opted_out)


def plan_coefficient_area(
    units: Sequence[Unit],
    coefficients: Mapping[int, Exact],
    net_fen: int,
    *,
    opted_out: Collection[UnitKey] = (),
) -> Plan:
    """Scheme (B): share_i = net × k[floor_i]·area_i / Σ_j k[floor_j]·area_j (normalised form).

    Invariant: a floor without a coefficient is exempt (weight 0, C3); coefficients are
    exact and non-negative.
    """
    table = {floor_: _exact(k, f"floor {floor_}") for floor_, k in coefficients.items()}
    weights = [(unit.key, table.get(unit.floor, Fraction(0)) * unit.area) for unit in units]
    return _plan(Scheme.COEFFICIENT_AREA, net_fen, weights, opted_out)


def plan_explicit(
    units: Sequence[Unit],
    amounts: Mapping[UnitKey, int],
    net_fen: int,
    *,
    opted_out: Collection[UnitKey] = (),
) -> Plan:
    """Scheme (C): the amounts in fen agreed per unit; a unit not listed pays nothing.

    Invariants: the amounts name only units of the roster (UNKNOWN_UNIT) and sum to net_fen
    exactly (AMOUNTS_NOT_NET); without opt-outs each share is its amount; an opted-out
    unit's amount is spread over the others in proportion to their amounts.
    """
    keys = {unit.key for unit in units}
    for key in amounts:
        if key not in keys:
            raise PlanError(PlanCode.UNKNOWN_UNIT, str(key))
    if sum(amounts.values()) != net_fen:
        raise PlanError(PlanCode.AMOUNTS_NOT_NET, f"{sum(amounts.values())} ≠ {net_fen}")
    weights = [(unit.key, amounts.get(unit.key, 0)) for unit in units]
    return _plan(Scheme.EXPLICIT, net_fen, weights, opted_out)


def plan_by_area(
    units: Sequence[Unit], net_fen: int, *, opted_out: Collection[UnitKey] = ()
) -> Plan:
    """The CC Art. 283 default: share_i = net × area_i / Σ area (C9)."""
    weights = [(unit.key, unit.area) for unit in units]
    return _plan(Scheme.BY_AREA, net_fen, weights, opted_out)


def _plan(
    scheme: Scheme,
    net_fen: int,
    weights: Sequence[tuple[UnitKey, Exact]],
    opted_out: Collection[UnitKey],
) -> Plan:
    exact = tuple((key, _exact(weight, key)) for key, weight in weights)
    _check_unique(key for key, _ in exact)
    out = set(opted_out)
    unknown = out - {key for key, _ in exact}
    if unknown:
        raise PlanError(PlanCode.UNKNOWN_UNIT, ", ".join(sorted(map(str, unknown))))
    paying = [(key, Fraction(0) if key in out else weight) for key, weight in exact]
    shares = apportion(net_fen, paying)
    return Plan(
        scheme=scheme,
        net_fen=net_fen,
        weights=exact,
        opted_out=tuple(key for key, _ in exact if key in out),
        shares=shares,
    )


def _exact(value: Exact, what: object) -> Fraction:
    # bool is an int and float is inexact: neither is a valid weight.
    if isinstance(value, bool) or not isinstance(value, Fraction | int):
        raise PlanError(PlanCode.INEXACT_NUMBER, f"{what}: {value!r}")
    if value < 0:
        raise PlanError(PlanCode.NEGATIVE_WEIGHT, f"{what}: {value}")
    return Fraction(value)


def _check_unique(keys: Iterable[UnitKey]) -> None:
    seen: set[UnitKey] = set()
    for key in keys:
        if key in seen:
            raise PlanError(PlanCode.DUPLICATE_UNIT, str(key))
        seen.add(key)
