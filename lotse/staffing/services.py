"""Writes of staffing and funding: positions, costs, grants, counted persons, and
allocation runs read from a key file. Each validates, saves in a transaction and
leaves an audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from lotse.core import audit
from lotse.core.audit import Actor
from lotse.core.lib import allocation, funding
from lotse.core.lib.tables import Table, write_csv
from lotse.organisations.models import Programme
from lotse.staffing.models import AllocationRun, Grant, Position, PositionCosts

# --- grants and the spending proof ----------------------------------------------------


def funding_rules(programme: Programme) -> funding.FundingRules:
    """The programme's funding rules; read `programme.flat_rates` with its
    qualifications prefetched when there are many programmes."""
    return funding.FundingRules(
        flat_rates={r.qualification.code: r.eur_per_fte for r in programme.flat_rates.all()},
        max_grant_per_fte=programme.max_grant_per_fte_eur,
        max_material_per_fte=programme.max_material_per_fte_eur,
        max_interpreting_per_fte=programme.max_interpreting_per_fte_eur,
        min_own_share_percent=programme.min_own_contribution_percent,
        # A grant never rounds up past a cap or into the own share.
        rounding=ROUND_DOWN,
    )


def position_year(
    position: Position, year: int, costs: PositionCosts | None, label: str
) -> funding.PositionYear | None:
    """What the funding rules need of a position in `year` (None if it did not run)."""
    period = position.period_in(year)
    if period is None:
        return None
    return funding.PositionYear(
        label=label,
        fte=position.fte,
        first_day=period[0],
        last_day=period[1],
        qualification=position.qualification.code if position.qualification else None,
        personnel=costs.personnel_eur if costs else 0,
        material=costs.material_eur if costs else 0,
        interpreting=costs.interpreting_eur if costs else 0,
    )


def proof_for_grant(grant: Grant) -> funding.SpendingProof:
    """The spending proof of the grant's provider, programme and year."""
    year = grant.year
    held = (
        Position.objects.filter(office__provider=grant.provider, programme=grant.programme)
        .filter(starts_on__lte=dt.date(year, 12, 31))
        .exclude(ends_on__lt=dt.date(year, 1, 1))
        .select_related("office", "holder", "qualification")
        .order_by("office__name", "starts_on", "pk")
    )
    costs = {c.position_id: c for c in PositionCosts.objects.filter(position__in=held, year=year)}
    lines = []
    for position in held:
        holder = str(position.holder) if position.holder else _("vacant")
        line = position_year(
            position, year, costs.get(position.pk), f"{position.office.name}: {holder}"
        )
        if line is not None:
            lines.append(line)
    rules = funding_rules(grant.programme)
    return funding.spending_proof(
        grant.provider.name, str(grant.programme), year, lines, rules, grant.amount_eur
    )


# --- the key file of an allocation ---------------------------------------------------

# Field → the column names accepted for it (German or English, any case).
KEY_COLUMNS = {
    "id": ("kennziffer", "id", "ags", "schlüssel"),
    "name": ("name",),
    "key": ("schlüsselzahl", "key", "anzahl", "personen"),
    "pooled_with": ("partner", "pooled_with"),
    "delegates": ("delegiert", "delegates"),
    "last_resort": ("ohne mindestbetrag", "last_resort"),
}
REQUIRED_KEY_FIELDS = ("id", "name", "key")
YES = {"ja", "j", "yes", "y", "x", "1", "wahr", "true"}
NO = {"", "nein", "n", "no", "0", "falsch", "false"}
THOUSANDS = re.compile(r"\d{1,3}([. ]\d{3})+")


def key_file_template() -> str:
    """A key file with the German column names and two example rows: a municipality
    that pools with its district, which is exempt from the minimum."""
    header = [names[0].capitalize() for names in KEY_COLUMNS.values()]
    rows = [
        ["08118", "Landkreis Ludwigsburg", "0", "", "nein", "ja"],
        ["08118003", "Asperg", "312", "08118", "nein", "nein"],
    ]
    return write_csv(header, rows)


def parse_key(text: str) -> int | Decimal:
    """A key figure as written in German or English: 1234, 1.234 or 1 234 (thousands),
    12,5 (decimal comma) or 12.5. Raises ValueError with a message for the user."""
    value = text.strip().replace("\u00a0", " ")
    if THOUSANDS.fullmatch(value):
        return int(re.sub(r"[. ]", "", value))
    if value.isdigit():
        return int(value)
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("“%s” is not a number.") % text) from None
    if not number.is_finite() or number < 0:
        raise ValueError(_("The key must be a number of at least 0, not “%s”.") % text)
    return number


def _flag(text: str) -> bool:
    value = text.strip().casefold()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(_("“%s” is neither yes nor no.") % text)


@dataclass
class KeyFile:
    recipients: list[allocation.Recipient] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def read_key_file(table: Table) -> KeyFile:
    """Recipients from a key table; every problem with its line number."""
    result = KeyFile()
    columns: dict[str, str] = {}
    for name, accepted in KEY_COLUMNS.items():
        found = [h for h in table.header if h in accepted]
        if found:
            columns[name] = found[0]
    missing = [
        KEY_COLUMNS[name][0].capitalize() for name in REQUIRED_KEY_FIELDS if name not in columns
    ]
    if missing:
        result.errors.append((1, _("Missing columns: %s") % ", ".join(missing)))
        return result
    known = {h for accepted in KEY_COLUMNS.values() for h in accepted}
    unknown = [h for h in table.header if h not in known]
    if unknown:
        result.errors.append((1, _("Unknown columns: %s") % ", ".join(unknown)))
        return result
    if not table.rows:
        result.errors.append((1, _("The file has no rows below the header.")))
        return result
    seen: set[str] = set()
    lines: list[int] = []
    for line, row in table.rows:
        cell = {name: row.get(column, "") for name, column in columns.items()}
        problems = []
        if not cell["id"]:
            problems.append(_("The identifier is empty."))
        elif cell["id"] in seen:
            problems.append(_("The identifier %s appears twice.") % cell["id"])
        seen.add(cell["id"])
        if not cell["name"]:
            problems.append(_("The name is empty."))
        key: int | Decimal = 0
        delegates = last_resort = False
        try:
            key = parse_key(cell["key"])
        except ValueError as error:
            problems.append(str(error))
        try:
            delegates = _flag(cell.get("delegates", ""))
            last_resort = _flag(cell.get("last_resort", ""))
        except ValueError as error:
            problems.append(str(error))
        partner = cell.get("pooled_with", "") or None
        if delegates and not partner:
            problems.append(_("A recipient that delegates needs a partner."))
        if problems:
            result.errors.extend((line, problem) for problem in problems)
            continue
        lines.append(line)
        result.recipients.append(
            allocation.Recipient(
                id=cell["id"],
                name=cell["name"],
                key=key,
                pooled_with=partner,
                delegates=delegates,
                last_resort=last_resort,
            )
        )
    named = {r.id for r in result.recipients} | {cell for cell in seen if cell}
    for line, recipient in zip(lines, result.recipients, strict=True):
        if recipient.pooled_with and recipient.pooled_with not in named:
            result.errors.append(
                (line, _("The partner %s is not in the file.") % recipient.pooled_with)
            )
        elif recipient.pooled_with == recipient.id:
            result.errors.append((line, _("A recipient cannot be its own partner.")))
    if not result.errors and not any(r.key for r in result.recipients):
        result.errors.append((1, _("The keys add up to 0, so there is nothing to divide by.")))
    return result


def run_allocation(
    actor: Actor, run: AllocationRun, recipients: list[allocation.Recipient], data: bytes
) -> AllocationRun:
    """Distribute the run's budget and keep the inputs and the table with it.

    Raises AllocationError (a ValueError) when the figures cannot be divided."""
    result = allocation.allocate(run.budget_eur, recipients, run.minimum_eur)
    run.result = result.to_dict()
    run.source_sha256 = hashlib.sha256(data).hexdigest()
    run.full_clean()
    with transaction.atomic():
        run.save()
        audit.record(
            actor,
            "staffing.allocation.created",
            run,
            changes={
                "budget_eur": [None, run.budget_eur],
                "minimum_eur": [None, run.minimum_eur],
                "recipients": [None, len(recipients)],
                "source_sha256": [None, run.source_sha256],
            },
        )
    return run


def stored_allocation(run: AllocationRun) -> allocation.Allocation:
    return allocation.Allocation.from_dict(run.result)
