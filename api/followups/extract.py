"""A follow-up's extract: what the receiving organisation may see of the household, now.

Made at every read from the case and the visit that asked for the follow-up, keeping only the
categories the sender named AND the covenant with the household's current consent allow for the
receiving kind. Nothing is stored, so a withdrawn consent stops the sharing at the next read.
Never the visit report itself: only these items travel.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from api.cases.tables import HouseholdCase
from api.covenant.loader import load_covenant
from api.covenant.policy import SharingFacts, get_policy
from api.followups.schemas import Extract, ExtractItem
from api.forms.catalogue import get_registry
from api.reports.render_answers import value_text
from api.reports.render_text import euros
from api.visits.tables import Visit

# Answers that never travel in an extract: files, the consent grid itself, explanations.
NOT_EXTRACTED = frozenset({"signature", "photo", "consent", "note"})


async def extracts_for(rows: list[dict[str, Any]]) -> dict[uuid.UUID, Extract]:
    if not rows:
        return {}
    from api.cases.consent import sharing_facts

    case_ids = sorted({row["household_case"] for row in rows})
    facts = await sharing_facts(case_ids)
    cases = {
        case["id"]: case
        for case in await HouseholdCase.select()
        .where(HouseholdCase.id.is_in(case_ids))
        .output(load_json=True)
        .run()
    }
    visit_ids = sorted({row["visit"] for row in rows if row["visit"]})
    visits = {
        visit["id"]: visit
        for visit in (
            await Visit.select(Visit.id, Visit.form_key, Visit.form_version, Visit.answers)
            .where(Visit.id.is_in(visit_ids))
            .output(load_json=True)
            .run()
            if visit_ids
            else []
        )
    }
    return {
        row["id"]: _extract(
            row,
            facts[row["household_case"]],
            cases[row["household_case"]],
            visits.get(row["visit"]),
        )
        for row in rows
    }


def allowed_categories(row: dict[str, Any], facts: SharingFacts) -> tuple[list[str], list[str]]:
    policy = get_policy()
    shared: list[str] = []
    withheld: list[str] = []
    for category in row["categories"]:
        (shared if policy.may_share(category, row["recipient_kind"], facts) else withheld).append(
            category
        )
    return shared, withheld


def _extract(
    row: dict[str, Any],
    facts: SharingFacts,
    case: dict[str, Any],
    visit: dict[str, Any] | None,
) -> Extract:
    shared, withheld = allowed_categories(row, facts)
    data: dict[str, list[ExtractItem]] = {category: [] for category in shared}
    for category, items in _case_items(case):
        if category in data:
            data[category].extend(items)
    if visit is not None:
        for category, item in _visit_items(visit):
            if category in data:
                data[category].append(item)
    return Extract(shared_categories=shared, withheld_categories=withheld, data=data)


def _case_items(case: dict[str, Any]) -> Iterable[tuple[str, list[ExtractItem]]]:
    postcode = case["postcode"]
    tenants = [m["name"] for m in case["members"] if m.get("relation") == "tenant"]
    yield (
        "contact_details",
        [
            ExtractItem(
                label="Adres",
                value=f"{case['street']} {case['house_number']}, "
                f"{postcode[:4]} {postcode[4:]} {case['city']}",
            ),
            *[ExtractItem(label="Huurder", value=name) for name in tenants],
        ],
    )
    yield (
        "arrears_amount",
        [
            ExtractItem(label="Huurachterstand", value=euros(case["arrears_cents"])),
            ExtractItem(label="Maanden achterstand", value=str(case["arrears_months"])),
        ],
    )
    yield (
        "household_composition",
        [
            ExtractItem(
                label="Gezinslid",
                value=f"{member['name']} ({member.get('relation', '')}, "
                f"{member.get('birth_year', '?')})",
            )
            for member in case["members"]
        ],
    )


def _visit_items(visit: dict[str, Any]) -> Iterable[tuple[str, ExtractItem]]:
    """The visit's answers by the category the form gives each question (or its section)."""
    form = get_registry().get(visit["form_key"], visit["form_version"])
    if form is None:
        return
    covenant = load_covenant()
    for code, raw in visit["answers"].items():
        question = form.questions.get(code)
        if question is None or question.type in NOT_EXTRACTED or question.category is None:
            continue
        if question.category not in covenant.information_categories:
            continue
        yield (
            question.category,
            ExtractItem(label=question.spec.label.nl, value=_value(form, question, raw)),
        )


def _value(form: Any, question: Any, raw: Any) -> Any:
    if question.type != "repeat":
        return value_text(question.spec, raw)
    return [
        {
            form.questions[inner].spec.label.nl: value_text(form.questions[inner].spec, value)
            for inner, value in item.items()
            if inner in form.questions and form.questions[inner].type not in NOT_EXTRACTED
        }
        for item in raw
    ]
