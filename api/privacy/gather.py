"""Gathering the case record and the organisation's own visits for an access export.

Only reads: the caller (api.privacy.services) checks the policy and audits. The case is shown as
the exporting organisation sees it (api.cases.views.detail: categories the covenant withholds
from it stay out), because an organisation can only hand over what it holds. Visits are the
organisation's own: a visit stays with the worker's organisation (AccessPolicy.may_view_visit),
so another organisation's visits are that organisation's to answer for.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

from api.cases import views as case_views
from api.cases.consent import consent_entry
from api.cases.schemas import CaseDetail, ConsentEntry
from api.cases.tables import CaseConflict, ConsentRecord
from api.covenant.loader import load_covenant
from api.covenant.policy import CaseFacts
from api.forms.catalogue import get_registry
from api.lib.actor import Actor
from api.privacy.schemas import Answer, Attachment, KeptEdit, Report, VisitRecord
from api.reports.render_answers import is_blank, value_text
from api.reports.tables import VisitReport
from api.visits.tables import Visit, VisitAttachment
from visit_forms.schema import Question

DECISION_NL = {"given": "gegeven", "refused": "geweigerd"}


# The case ---------------------------------------------------------------------------------------
async def case_record(actor: Actor, case_id: uuid.UUID, facts: CaseFacts) -> CaseDetail:
    return await case_views.detail(case_id, actor, facts)


async def kept_edits(case_id: uuid.UUID, withheld: frozenset[str]) -> list[KeptEdit]:
    rows = await (
        CaseConflict.select()
        .where(CaseConflict.household_case == case_id)
        .order_by(CaseConflict.submitted_at)
        .output(load_json=True)
        .run()
    )
    refs = await case_views.References.load([], user_ids={row["submitted_by"] for row in rows})
    return [
        KeptEdit(
            id=row["id"],
            submitted_by=refs.person(row["submitted_by"]),
            submitted_at=row["submitted_at"],
            resolved_at=row["resolved_at"],
            body=case_views.mask_case_write(row["body"], withheld),
        )
        for row in rows
    ]


async def consent_history(case_id: uuid.UUID) -> list[ConsentEntry]:
    rows = await (
        ConsentRecord.select()
        .where(ConsentRecord.household_case == case_id)
        .order_by(ConsentRecord.decided_at, ascending=False)
        .order_by(ConsentRecord.recorded_at, ascending=False)
        .run()
    )
    refs = await case_views.References.load(
        [],
        organisation_ids={row["recorded_by_organisation"] for row in rows},
        user_ids={row["recorded_by"] for row in rows},
    )
    return [consent_entry(row, refs.people, refs.organisations) for row in rows]


# Visits ----------------------------------------------------------------------------------------
async def own_visits(actor: Actor, case_id: uuid.UUID) -> list[VisitRecord]:
    """Every visit (corrections and replaced revisions too) the organisation recorded."""
    rows = await (
        Visit.select(*(c for c in Visit.all_columns() if c._meta.name != "body"))
        .where((Visit.household_case == case_id) & (Visit.organisation == actor.organisation_id))
        .order_by(Visit.visited_on)
        .order_by(Visit.received_at)
        .output(load_json=True)
        .run()
    )
    visit_ids = [row["id"] for row in rows]
    files = await _attachments(visit_ids)
    reports = await _reports(visit_ids)
    refs = await case_views.References.load(
        [],
        user_ids={row["worker"] for row in rows}
        | {row["reviewed_by"] for row in rows if row["reviewed_by"]}
        | {r["approved_by"] for rs in reports.values() for r in rs if r["approved_by"]},
    )
    registry = get_registry()
    records = []
    for row in rows:
        form = registry.get(row["form_key"], row["form_version"])
        records.append(
            VisitRecord(
                id=row["id"],
                form_key=row["form_key"],
                form_version=row["form_version"],
                form_title=form.definition.title.nl if form else row["form_key"],
                visited_on=row["visited_on"],
                finalized_at=row["finalized_at"],
                received_at=row["received_at"],
                worker=refs.person(row["worker"]),
                state=row["state"],
                replaces=row["replaces"],
                review_decision=row["review_decision"],
                review_comment=row["review_comment"],
                reviewed_by=refs.person(row["reviewed_by"]),
                reviewed_at=row["reviewed_at"],
                answers=answers(form.definition.sections if form else [], row["answers"]),
                suggestions=list(row["suggestions"] or []),
                attachments=files.get(row["id"], []),
                reports=[
                    Report(
                        id=r["id"],
                        kind=r["kind"],
                        state=r["state"],
                        sha256=r["sha256"],
                        data_sha256=r["data_sha256"],
                        certificate_sha256=r["certificate_sha256"],
                        approved_by=refs.person(r["approved_by"]),
                        approved_at=r["approved_at"],
                        created_at=r["created_at"],
                        rendered_at=r["rendered_at"],
                    )
                    for r in reports.get(row["id"], [])
                ],
            )
        )
    return records


async def _attachments(visit_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Attachment]]:
    """With the bytes of the cleaned copy: the export is the household's copy of its data
    (art. 15(3)), in one file, rather than links that need another audited route and a token."""
    if not visit_ids:
        return {}
    rows = await (
        VisitAttachment.select()
        .where(VisitAttachment.visit.is_in(visit_ids))
        .order_by(VisitAttachment.name)
        .run()
    )
    found: dict[uuid.UUID, list[Attachment]] = {}
    for row in rows:
        content = bytes(row["content"]) if row["content"] is not None else None
        found.setdefault(row["visit"], []).append(
            Attachment(
                name=row["name"],
                content_type=row["content_type"] or row["declared_content_type"],
                declared_sha256=row["declared_sha256"],
                declared_size=row["declared_size"],
                received_at=row["received_at"],
                sha256=hashlib.sha256(content).hexdigest() if content is not None else None,
                size=len(content) if content is not None else None,
                width=row["width"],
                height=row["height"],
                content_base64=base64.b64encode(content).decode() if content is not None else None,
            )
        )
    return found


async def _reports(visit_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    if not visit_ids:
        return {}
    rows = await (
        VisitReport.select(*(c for c in VisitReport.all_columns() if c._meta.name != "content"))
        .where(VisitReport.visit.is_in(visit_ids))
        .order_by(VisitReport.created_at)
        .run()
    )
    found: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["visit"], []).append(row)
    return found


# Answers by the form's labels --------------------------------------------------------------
def answers(sections: Any, stored: dict[str, Any]) -> list[Answer]:
    """The answers in the form's order, each with its Dutch label and readable text. Answers
    the form no longer names are kept too, under their code: the export leaves nothing out."""
    out: list[Answer] = []
    seen: set[str] = set()
    for section in sections:
        for question in section.questions:
            seen.add(question.code)
            raw = stored.get(question.code)
            if question.type == "note" or is_blank(raw):
                continue
            out.append(
                Answer(
                    section=section.title.nl,
                    code=question.code,
                    label=question.label.nl,
                    type=question.type,
                    value=raw,
                    text=answer_text(question, raw),
                )
            )
    for code, raw in stored.items():
        if code not in seen and not is_blank(raw):
            out.append(Answer(section="", code=code, label=code, type="", value=raw, text=str(raw)))
    return out


def answer_text(question: Question, raw: Any) -> str:
    if question.type == "consent" and isinstance(raw, dict):
        covenant = load_covenant()
        lines = []
        for category, per_kind in raw.items():
            info = covenant.information_categories.get(category)
            for kind, decision in (per_kind or {}).items():
                kind_label = covenant.organisation_kinds.get(kind)
                said = DECISION_NL.get(decision, decision)
                lines.append(
                    f"{info.label.nl if info else category} - "
                    f"{kind_label.nl if kind_label else kind}: {said}"
                )
        return "\n".join(lines)
    if question.type == "photo" and isinstance(raw, list):
        return "\n".join(
            f"Foto {item.get('attachment', '')}"
            + (f": {item['caption']}" if item.get("caption") else "")
            for item in raw
            if isinstance(item, dict)
        )
    if question.type == "repeat" and isinstance(raw, list):
        inner = {q.code: q for q in question.questions}
        lines = []
        for number, item in enumerate(raw, start=1):
            if not isinstance(item, dict):
                continue
            parts = [
                f"{inner[code].label.nl if code in inner else code}: "
                + (answer_text(inner[code], value) if code in inner else str(value))
                for code, value in item.items()
                if not is_blank(value)
            ]
            lines.append(f"{number}. " + "; ".join(parts))
        return "\n".join(lines)
    return value_text(question, raw)
