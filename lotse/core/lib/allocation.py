"""Distribute a budget in whole euros among recipients by a key (no Django in here).

A funder divides a fixed budget among municipalities or districts in proportion to a key:
persons in follow-up housing, population, refugees assigned … (bw-im: 116 million euros
by persons in follow-up housing; a municipality applies alone only if its share is at
least 51,000 EUR, otherwise it shares a post or delegates to its district).

The rules, in the order they are applied:

1. Exact shares. A recipient's ``share`` is ``budget × key / total key``, computed with
   fractions, never floats. ``rate`` is ``budget / total key``, the money per key unit
   (persons …); ``rate_cents`` is that rounded half up to the cent, for display only.
2. Delegation. A recipient with ``delegates=True`` hands its duty to ``pooled_with``
   whatever its share (seed 001: Hemmingen asks Landkreis Ludwigsburg to apply for it).
   Its key counts for that body, which receives the money; chains are followed
   (A → B → C puts A's key with C). Delegations that go round in a circle are an error.
3. Minimum share. Pools (a recipient together with everything delegated or pooled into
   it) are compared with ``minimum`` by their exact share; 0 switches this off. In
   rounds until nothing changes:

   a. Of the pools below the minimum whose head names a partner (``pooled_with``),
      the smallest (by key; on equal keys the smaller id) joins the partner's pool.
      This moves key from one pool to another and leaves every other pool's share
      unchanged; then the shares are looked at again, so a pool that the newcomer
      lifts over the minimum stays where it is, and one still below it moves on to
      its own head's partner. Two neighbours that name each other end up as one pool
      held by the one with the larger key (on equal keys the larger id).
   b. Only if no pool can move: the smallest pool that is below the minimum (by key;
      on equal keys the larger id) is marked "below minimum" and not funded. Its key
      leaves the distribution, so its money goes to the others in proportion to their
      keys; their shares only grow, so nobody already above the minimum falls below.

   Why redistribute rather than keep the money back: the budget is meant to be spent in
   full, the table must add up to it, and the funder sees who was left out and can
   name a partner or a district for them and run it again; in bw-im practice a
   municipality below the threshold delegates to its district or shares a post with a
   neighbour. Why one at a time, smallest first: money freed by one exclusion can lift
   the next pool over the minimum, so the fewest recipients are left out, and each one
   left out would be below the minimum even with all smaller ones gone.

   A recipient marked ``last_resort`` (in bw-im the district, which by law is in
   principle responsible for social care in follow-up housing, seed 001) is
   exempt from the minimum, so whatever is pooled into it is funded. Without such a
   body, a pool still below the minimum with no partner left is not funded, like a
   single recipient. It terminates: every round either joins one pool into another or
   drops one, and there are only as many pools as recipients.
4. Whole euros. The funded pools' exact shares are rounded by largest remainder
   (Hare–Niemeyer): every share is rounded down, and the euros still missing from the
   budget go one each to the pools with the largest fractional parts; equal fractional
   parts go first to the larger key, then to the smaller id (string order). The
   allocated euros add up exactly to the budget. Budget 100 among three equal keys
   a, b, c gives 34, 33, 33.
5. Nobody funded. If no pool reaches the minimum (e.g. the budget is smaller than one
   minimum share), every recipient is "below minimum", nobody gets anything and the
   whole budget is reported as ``unallocated``; this is the only case where the
   allocated euros do not add up to the budget.

Zero and bad input: keys that add up to zero give nothing to divide by and raise
``AllocationError`` (a ``ValueError``), as do a negative budget, minimum or key, an
empty list, repeated ids, and a partner that is not in the list. A single recipient
with key 0 is allowed and gets a share of 0 (below any positive minimum).

Statuses per line: "alone"; "receives pool of [a, b]"; "pooled into <id>" or
"delegated to <id>" (``pooled_into`` names the body that finally holds the money);
"below minimum" (not funded; members of an unfunded pool too). ``to_dict()`` gives
plain JSON types (keys as int or decimal string, fractions as "p/q" strings) and
``from_dict()`` reads them back; ``reproduces()`` runs the stored inputs again and
says whether the table comes out identical.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, TypeAlias

Key: TypeAlias = int | Decimal


class AllocationError(ValueError):
    pass


@dataclass(frozen=True)
class Recipient:
    id: str  # e.g. the official municipality key (AGS)
    name: str
    key: Key  # persons, inhabitants …: a non-negative int or Decimal
    pooled_with: str | None = None  # partner or district it pools with / delegates to
    delegates: bool = False  # True: pooled with `pooled_with` whatever its share
    last_resort: bool = False  # True: the minimum does not apply to it

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "key": _key_to_json(self.key),
            "pooled_with": self.pooled_with,
            "delegates": self.delegates,
            "last_resort": self.last_resort,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recipient:
        return cls(
            id=data["id"],
            name=data["name"],
            key=_key_from_json(data["key"]),
            pooled_with=data.get("pooled_with"),
            delegates=bool(data.get("delegates", False)),
            last_resort=bool(data.get("last_resort", False)),
        )


@dataclass(frozen=True)
class AllocationInput:
    budget: int  # whole euros
    recipients: tuple[Recipient, ...]
    minimum: int = 0  # whole euros; 0: no minimum share

    def __post_init__(self) -> None:
        object.__setattr__(self, "recipients", tuple(self.recipients))
        _validate(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "budget": self.budget,
            "minimum": self.minimum,
            "recipients": [recipient.to_dict() for recipient in self.recipients],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AllocationInput:
        return cls(
            budget=data["budget"],
            recipients=tuple(Recipient.from_dict(item) for item in data["recipients"]),
            minimum=data.get("minimum", 0),
        )


@dataclass(frozen=True)
class Line:
    id: str
    name: str
    key: Key
    share: Fraction  # key × rate: its proportional share before pooling or exclusions
    pooled_into: str | None  # the body that holds its key and receives its money
    pool: tuple[str, ...]  # ids pooled or delegated into this recipient, ascending
    exact: Fraction  # what it is allocated before rounding (0 unless it receives money)
    allocated: int  # whole euros
    status: str


@dataclass(frozen=True)
class Allocation:
    inputs: AllocationInput
    lines: tuple[Line, ...]  # in the order of the recipients given
    rate: Fraction  # budget / total key
    funded_rate: Fraction | None  # budget / key of the funded pools; None if nobody is
    unallocated: int  # the whole budget if nobody is funded, else 0

    @property
    def rate_cents(self) -> Decimal:
        return _cents(self.rate)

    def line(self, recipient_id: str) -> Line:
        for line in self.lines:
            if line.id == recipient_id:
                return line
        raise KeyError(recipient_id)

    def reproduce(self) -> Allocation:
        return allocate(self.inputs.budget, self.inputs.recipients, self.inputs.minimum)

    def reproduces(self) -> bool:
        """True if running the stored inputs again gives exactly this table."""
        return self.reproduce() == self

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs.to_dict(),
            "rate": str(self.rate),
            "rate_cents": str(self.rate_cents),
            "funded_rate": None if self.funded_rate is None else str(self.funded_rate),
            "unallocated": self.unallocated,
            "lines": [
                {
                    "id": line.id,
                    "name": line.name,
                    "key": _key_to_json(line.key),
                    "share": str(line.share),
                    "pooled_into": line.pooled_into,
                    "pool": list(line.pool),
                    "exact": str(line.exact),
                    "allocated": line.allocated,
                    "status": line.status,
                }
                for line in self.lines
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Allocation:
        """Read a stored table back as stored; `reproduces()` then checks it."""
        funded_rate = data["funded_rate"]
        return cls(
            inputs=AllocationInput.from_dict(data["inputs"]),
            lines=tuple(
                Line(
                    id=item["id"],
                    name=item["name"],
                    key=_key_from_json(item["key"]),
                    share=Fraction(item["share"]),
                    pooled_into=item["pooled_into"],
                    pool=tuple(item["pool"]),
                    exact=Fraction(item["exact"]),
                    allocated=item["allocated"],
                    status=item["status"],
                )
                for item in data["lines"]
            ),
            rate=Fraction(data["rate"]),
            funded_rate=None if funded_rate is None else Fraction(funded_rate),
            unallocated=data["unallocated"],
        )


def allocate(budget: int, recipients: Iterable[Recipient], minimum: int = 0) -> Allocation:
    """Divide `budget` euros among `recipients` by their keys; see the module docstring."""
    inputs = AllocationInput(budget, tuple(recipients), minimum)
    by_id = {r.id: r for r in inputs.recipients}
    ids = sorted(by_id)
    key = {r.id: Fraction(r.key) for r in inputs.recipients}
    total = sum(key.values(), Fraction(0))
    rate = Fraction(budget) / total

    parent = {i: i for i in ids}  # each recipient points towards the head of its pool

    def head(i: str) -> str:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in ids:
        partner = by_id[i].pooled_with
        if by_id[i].delegates and partner is not None:
            parent[i] = head(partner)  # validation has ruled out circles

    excluded: set[str] = set()
    pool_key: dict[str, Fraction] = {}
    funded_key = Fraction(0)
    while True:
        heads = sorted({head(i) for i in ids} - excluded)
        pool_key = {h: Fraction(0) for h in heads}
        for i in ids:
            if head(i) in pool_key:
                pool_key[head(i)] += key[i]
        funded_key = sum(pool_key.values(), Fraction(0))
        if funded_key == 0:  # nothing left to divide by: nobody can be funded
            excluded.update(heads)
            break
        below = [
            h
            for h in heads
            if not by_id[h].last_resort and budget * pool_key[h] / funded_key < minimum
        ]
        if not below:
            break
        movers = [h for h in below if _partner_head(by_id[h], head, excluded) is not None]
        if movers:
            mover = min(movers, key=lambda h: (pool_key[h], h))
            parent[mover] = str(_partner_head(by_id[mover], head, excluded))
            continue
        smallest = min(pool_key[h] for h in below)
        excluded.add(max(h for h in below if pool_key[h] == smallest))

    funded = [h for h in pool_key if h not in excluded]
    exact = {h: budget * pool_key[h] / funded_key for h in funded}
    allocated = {h: math.floor(value) for h, value in exact.items()}
    left_over = budget - sum(allocated.values()) if funded else 0
    by_remainder = sorted(funded, key=lambda h: (-(exact[h] - allocated[h]), -pool_key[h], h))
    for h in by_remainder[:left_over]:
        allocated[h] += 1

    lines = []
    for recipient in inputs.recipients:
        i = recipient.id
        h = head(i)
        members = tuple(j for j in ids if j != i and head(j) == i)
        if h in excluded:
            status = "below minimum"
        elif h != i:
            status = f"{'delegated to' if recipient.delegates else 'pooled into'} {h}"
        elif members:
            status = f"receives pool of [{', '.join(members)}]"
        else:
            status = "alone"
        lines.append(
            Line(
                id=i,
                name=recipient.name,
                key=recipient.key,
                share=key[i] * rate,
                pooled_into=None if h == i else h,
                pool=members,
                exact=exact.get(i, Fraction(0)),
                allocated=allocated.get(i, 0),
                status=status,
            )
        )
    return Allocation(
        inputs=inputs,
        lines=tuple(lines),
        rate=rate,
        funded_rate=Fraction(budget) / funded_key if funded else None,
        unallocated=0 if funded else budget,
    )


def _partner_head(
    recipient: Recipient, head: Callable[[str], str], excluded: set[str]
) -> str | None:
    """The head of the pool a below-minimum pool headed by `recipient` may join, if any."""
    if recipient.pooled_with is None:
        return None
    target = head(recipient.pooled_with)
    if target == recipient.id or target in excluded:
        return None
    return target


def _validate(inputs: AllocationInput) -> None:
    if not _is_int(inputs.budget) or inputs.budget < 0:
        raise AllocationError("The budget must be a whole number of euros, not negative.")
    if not _is_int(inputs.minimum) or inputs.minimum < 0:
        raise AllocationError("The minimum share must be a whole number of euros, not negative.")
    if not inputs.recipients:
        raise AllocationError("There is nobody to distribute the budget among.")
    by_id: dict[str, Recipient] = {}
    for recipient in inputs.recipients:
        if not isinstance(recipient, Recipient):
            raise AllocationError("Every recipient must be a Recipient.")
        if not isinstance(recipient.id, str) or not recipient.id.strip():
            raise AllocationError("Every recipient needs an id.")
        if recipient.id in by_id:
            raise AllocationError(f"The id {recipient.id!r} appears twice.")
        by_id[recipient.id] = recipient
        key = recipient.key
        if not (_is_int(key) or (isinstance(key, Decimal) and key.is_finite())):
            raise AllocationError(
                f"The key of {recipient.id} must be a whole number or a decimal, not {key!r}."
            )
        if key < 0:
            raise AllocationError(f"The key of {recipient.id} cannot be negative.")
    for recipient in inputs.recipients:
        partner = recipient.pooled_with
        if partner is not None and (partner not in by_id or partner == recipient.id):
            raise AllocationError(f"{recipient.id} pools with {partner!r}, who is not listed.")
        if recipient.delegates and partner is None:
            raise AllocationError(f"{recipient.id} delegates but names nobody to delegate to.")
    for recipient in inputs.recipients:
        seen = {recipient.id}
        current = recipient
        while current.delegates and current.pooled_with is not None:
            current = by_id[current.pooled_with]
            if current.id in seen:
                raise AllocationError(f"The delegations starting at {recipient.id} go in a circle.")
            seen.add(current.id)
    if sum(Fraction(r.key) for r in inputs.recipients) == 0:
        raise AllocationError("The keys add up to zero, so there is nothing to divide by.")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _cents(value: Fraction) -> Decimal:
    """Round half up to the cent (the values here are never negative)."""
    return Decimal(math.floor(value * 100 + Fraction(1, 2))).scaleb(-2)


def _key_to_json(key: Key) -> int | str:
    return key if isinstance(key, int) else str(key)


def _key_from_json(value: Any) -> Key:
    if _is_int(value):
        return int(value)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            pass
    raise AllocationError(
        f"A stored key must be a whole number or a decimal string, not {value!r}."
    )
