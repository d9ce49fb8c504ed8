"""Machine-checkable eligibility criteria of a programme (no Django in here).

A programme stores, per service, a list of conditions that must all hold::

    {"case_management": [
        {"fact": "months_since_entry", "max": 36, "text": "bis 3 Jahre nach der Einreise"},
        {"any": [{"fact": "accommodation", "in": ["anschlussunterbringung"], "text": "…"},
                 {"fact": "residence_status", "in": ["ae_24"], "text": "…"}],
         "text": "…"}],
     "counselling": [...]}

A condition tests one fact with exactly one of ``in``, ``not_in``, ``min`` or ``max``,
or combines conditions with ``any``. Every condition carries ``text``, the plain-language
explanation shown to the counsellor. A service without conditions is open to everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

SERVICES = ("case_management", "counselling")
# Facts a rule may test: those holding vocabulary codes name their vocabulary.
CODE_FACTS = {"residence_status": "residence_status", "accommodation": "accommodation"}
NUMBER_FACTS = ("age", "months_since_entry")
OPERATORS = ("in", "not_in", "min", "max")

Outcome = Literal["eligible", "not_eligible", "unknown"]


class CriteriaError(ValueError):
    pass


@dataclass(frozen=True)
class Check:
    text: str
    met: bool | None  # None: a fact needed for the check is not known


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    checks: tuple[Check, ...]


def validate_criteria(criteria: Any, codes: Mapping[str, set[str]]) -> None:
    """Raise CriteriaError naming the first problem; `codes` maps vocabulary → codes."""
    if not isinstance(criteria, dict):
        raise CriteriaError("The criteria must be an object keyed by service.")
    for service, conditions in criteria.items():
        if service not in SERVICES:
            raise CriteriaError(f"Unknown service {service!r}; use one of {', '.join(SERVICES)}.")
        if not isinstance(conditions, list):
            raise CriteriaError(f"The conditions for {service} must be a list.")
        for condition in conditions:
            _validate_condition(condition, codes)


def _validate_condition(condition: Any, codes: Mapping[str, set[str]]) -> None:
    if not isinstance(condition, dict) or not str(condition.get("text", "")).strip():
        raise CriteriaError("Every condition is an object with an explanatory 'text'.")
    if "any" in condition:
        options = condition["any"]
        if not isinstance(options, list) or len(options) < 2 or set(condition) != {"any", "text"}:
            raise CriteriaError("'any' needs a list of at least two conditions and a 'text'.")
        for option in options:
            _validate_condition(option, codes)
        return
    fact = condition.get("fact")
    ops = [op for op in OPERATORS if op in condition]
    if set(condition) != {"fact", "text", *ops} or len(ops) != 1:
        raise CriteriaError(f"A condition needs 'fact', 'text' and one of {', '.join(OPERATORS)}.")
    op, value = ops[0], condition[ops[0]]
    if fact in CODE_FACTS:
        known = codes.get(CODE_FACTS[fact], set())
        if op not in ("in", "not_in") or not isinstance(value, list) or not value:
            raise CriteriaError(f"{fact} is tested with 'in' or 'not_in' and a list of codes.")
        unknown = sorted(str(code) for code in value if code not in known)
        if unknown:
            raise CriteriaError(f"Unknown {fact} codes: {', '.join(unknown)}.")
    elif fact in NUMBER_FACTS:
        if op not in ("min", "max") or isinstance(value, bool) or not isinstance(value, int):
            raise CriteriaError(f"{fact} is tested with 'min' or 'max' and a whole number.")
    else:
        raise CriteriaError(f"Unknown fact {fact!r}.")


def evaluate(criteria: Mapping[str, Any], service: str, facts: Mapping[str, Any]) -> Result:
    """Check `facts` (fact name → value, absent if unknown) against one service's rules."""
    checks = tuple(
        Check(str(condition["text"]), _holds(condition, facts))
        for condition in criteria.get(service, [])
    )
    outcome: Outcome
    if any(check.met is False for check in checks):
        outcome = "not_eligible"
    elif any(check.met is None for check in checks):
        outcome = "unknown"
    else:
        outcome = "eligible"
    return Result(outcome, checks)


def _holds(condition: Mapping[str, Any], facts: Mapping[str, Any]) -> bool | None:
    if "any" in condition:
        results = [_holds(option, facts) for option in condition["any"]]
        if True in results:
            return True
        return None if None in results else False
    value = facts.get(condition["fact"])
    if value is None:
        return None
    if "in" in condition:
        return value in condition["in"]
    if "not_in" in condition:
        return value not in condition["not_in"]
    if "min" in condition:
        return bool(value >= condition["min"])
    return bool(value <= condition["max"])
