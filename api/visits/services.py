"""Receiving visits and their attachments: idempotent, validated, all or nothing.

A visit id is made on the tablet. The first body stored under it is the visit for good: the
same canonical body again is a duplicate (the same answer as the first time), any other body a
409 that leaves the stored visit as it was. Answers are checked with visit_forms against the
form version the visit names, with the visit's own date as "today".
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import uuid
from typing import Any

import msgspec

from api.audit import services as audit
from api.cases import consent, legal_duty
from api.cases.schemas import PersonRef
from api.cases.services import load_facts
from api.cases.tables import HouseholdCase
from api.covenant.policy import Decision, get_policy
from api.followups.services import retract_replaced
from api.forms.catalogue import get_registry
from api.lib.actor import Actor
from api.lib.db import now, write_transaction
from api.lib.errors import (
    AttachmentConflict,
    AttachmentNotDeclared,
    AttachmentQuota,
    AttachmentsMismatch,
    CaseNotFound,
    DomainError,
    Forbidden,
    InvalidAnswers,
    InvalidReplacement,
    UnknownForm,
    UnsupportedMediaType,
    VisitConflict,
    VisitNotFound,
)
from api.lib.ids import new_ids
from api.reports.requests import request_report
from api.reports.tables import report_id
from api.sync.protocol import body_sha256, next_seq, number_at_commit
from api.visits import first_statement, images, views
from api.visits.schemas import (
    MAX_VISIT_ATTACHMENT_BYTES,
    AttachmentReceipt,
    ReportInfo,
    VisitDetail,
    VisitState,
    VisitSummary,
    VisitWrite,
)
from api.visits.tables import Visit, VisitAttachment
from visit_forms import Form, Outcome, evaluate_form, suggestions_for
from visit_forms.facts import WGS_PREFIX

REPLACEABLE = ("awaiting_attachments", "submitted", "returned")


async def _replay(actor: Actor, row: dict[str, Any], digest: str) -> VisitDetail:
    """A second PUT under a stored id: the same body gets the same answer, another a 409."""
    if row["worker"] != actor.user_id or row["body_sha256"] != digest:
        await audit.record_refusal(actor, "create", "visit", row["id"], "different body")
        raise VisitConflict(
            "Another visit is stored under this id; it was left unchanged. "
            "A correction is a new visit that names this one in `replaces`."
        )
    return (await views.details([row]))[0]


# What a stored visit's own PUT may meet when sent again later: the case moved on, the form
# was withdrawn, the replaced visit is replaced (by it). The stored visit answers instead.
_STALE_ON_RETRY = (
    UnknownForm,
    InvalidAnswers,
    AttachmentsMismatch,
    AttachmentQuota,
    InvalidReplacement,
)


async def record_visit(
    actor: Actor, visit_id: uuid.UUID, body: VisitWrite
) -> tuple[VisitDetail, bool]:
    """Store a finalized visit; True when it is new, False for a duplicate.

    A new visit is the usual case, so nothing is read to look for a stored one first: the
    insert finds it (ON CONFLICT), and so does every refusal on the way, before it is said."""
    digest = body_sha256(msgspec.to_builtins(body))
    refusal = await _may_record(actor, body.case_id)
    if refusal is not None:
        stored = await views.stored_visit(visit_id)
        if stored is not None:
            return await _replay(actor, stored, digest), False
        error, reason = refusal
        await audit.record_refusal(actor, "create", "visit", body.case_id, reason)
        raise error
    try:
        form, outcome, suggestions = await _checked(actor, body)
    except _STALE_ON_RETRY:
        stored = await views.stored_visit(visit_id)
        if stored is not None:
            return await _replay(actor, stored, digest), False
        raise
    stored_now = await _insert(actor, visit_id, body, digest, outcome, suggestions, form)
    if stored_now is None:
        # Stored already: sent before, or by another request with this id at the same moment.
        stored = await views.stored_visit(visit_id)
        assert stored is not None
        return await _replay(actor, stored, digest), False
    row, address = stored_now
    return _new_detail(actor, row, body, address), True


async def _checked(actor: Actor, body: VisitWrite) -> tuple[Form, Outcome, list[dict[str, Any]]]:
    """The form, the answers checked against it, and the follow-ups it suggests."""
    form = get_registry().get(body.form_key, body.form_version)
    if form is None:
        raise UnknownForm(f"There is no published form {body.form_key!r} v{body.form_version}.")
    outcome = evaluate_form(form, body.answers, today=body.visited_on)
    if outcome.errors:
        raise InvalidAnswers(
            f"{len(outcome.errors)} answer(s) do not fit the form.",
            errors=[
                {
                    "path": error.path,
                    "code": error.code,
                    "rule": error.rule,
                    "message": {"nl": error.message.nl, "en": error.message.en},
                }
                for error in outcome.errors
            ],
        )
    _check_attachments(form, outcome, body)
    if body.replaces is not None:
        await _check_replacement(actor, body)
    suggestions = [
        {
            "code": suggestion.code,
            "recipient_kind": suggestion.recipient_kind,
            "need_nl": suggestion.need.nl,
            "need_en": suggestion.need.en,
            "categories": list(suggestion.categories),
        }
        for suggestion in suggestions_for(form, outcome, today=body.visited_on)
    ]
    return form, outcome, suggestions


def _new_detail(
    actor: Actor, row: dict[str, Any], body: VisitWrite, address: str | None
) -> VisitDetail:
    """The answer for a visit this request stored, from what it stored: the same as reading it
    back (api.visits.views.details), without the six queries that would take."""
    files = [
        {
            "name": attachment.name,
            "declared_content_type": attachment.content_type,
            "declared_size": attachment.size,
            "received_at": None,
        }
        for attachment in body.attachments
    ]
    worker = PersonRef(
        id=actor.user_id, display_name=actor.display_name, organisation_id=actor.organisation_id
    )
    draft = (
        ReportInfo(
            id=report_id(row["id"], "draft"),
            kind="draft",
            state="pending",
            failure=None,
            sha256=None,
        )
        if row["state"] == "submitted"
        else None
    )
    return views.detail(row, views.by_name(files), worker, address, None, draft)


async def _may_record(actor: Actor, case_id: uuid.UUID) -> tuple[DomainError, str] | None:
    """The error and the reason (not yet audited) when this actor may not record a visit of
    this case; None when they may. A case they may not see is not said to exist."""
    facts = (await load_facts([case_id])).get(case_id)
    policy = get_policy()
    if facts is None:
        return CaseNotFound(), "no such case"
    viewing = policy.may_view_case(actor, facts)
    if not viewing:
        return CaseNotFound(), viewing.reason
    decision: Decision = policy.may_record_visit(actor, facts)
    return None if decision else (Forbidden(decision.reason), decision.reason)


def _used_attachments(form: Form, answers: dict[str, Any]) -> list[str]:
    """Attachment names the cleaned answers point at (signatures and photos, also in groups)."""
    names: list[str] = []

    def collect(question_code: str, value: Any) -> None:
        kind = form.questions[question_code].type
        if kind == "signature":
            names.append(value["attachment"])
        elif kind == "photo":
            names.extend(item["attachment"] for item in value)
        elif kind == "repeat":
            for item in value:
                for inner_code, inner_value in item.items():
                    collect(inner_code, inner_value)

    for code, value in answers.items():
        collect(code, value)
    return names


def _check_attachments(form: Form, outcome: Outcome, body: VisitWrite) -> None:
    declared = [attachment.name for attachment in body.attachments]
    used = _used_attachments(form, outcome.answers)
    if len(set(declared)) != len(declared) or len(set(used)) != len(used):
        raise AttachmentsMismatch("Each attachment name appears once.")
    if set(declared) != set(used):
        raise AttachmentsMismatch(
            "Declare exactly the attachments the answers use.",
            undeclared=sorted(set(used) - set(declared)),
            unused=sorted(set(declared) - set(used)),
        )
    if sum(attachment.size for attachment in body.attachments) > MAX_VISIT_ATTACHMENT_BYTES:
        raise AttachmentQuota(f"At most {MAX_VISIT_ATTACHMENT_BYTES} bytes per visit.")


async def _check_replacement(actor: Actor, body: VisitWrite) -> None:
    old = await (
        Visit.select(Visit.household_case, Visit.organisation, Visit.state)
        .where(Visit.id == body.replaces)
        .first()
        .run()
    )
    if (
        old is None
        or old["household_case"] != body.case_id
        or old["organisation"] != actor.organisation_id
        or old["state"] not in REPLACEABLE
    ):
        raise InvalidReplacement(
            "A correction replaces a visit of the same case and organisation that was not "
            "approved or replaced already."
        )


async def _insert(
    actor: Actor,
    visit_id: uuid.UUID,
    body: VisitWrite,
    digest: str,
    outcome: Outcome,
    suggestions: list[dict[str, Any]],
    form: Form,
) -> tuple[dict[str, Any], str | None] | None:
    """The stored row and the case's address, or None when this id was stored already."""
    state: VisitState = "awaiting_attachments" if body.attachments else "submitted"
    row = {
        "id": visit_id,
        "household_case": body.case_id,
        "organisation": actor.organisation_id,
        "worker": actor.user_id,
        "device": actor.device_id,
        "form_key": body.form_key,
        "form_version": body.form_version,
        "visited_on": body.visited_on,
        "finalized_at": body.finalized_at.astimezone(dt.UTC),  # as both databases keep it
        "received_at": now(),
        "body_sha256": digest,
        "body": msgspec.to_builtins(body),
        "answers": outcome.answers,
        "suggestions": suggestions,
        "replaces": body.replaces,
        "state": state,
    }
    files = [
        {
            "id": file_id,
            "name": attachment.name,
            "declared_sha256": attachment.sha256,
            "declared_content_type": attachment.content_type,
            "declared_size": attachment.size,
        }
        for attachment, file_id in zip(
            body.attachments, new_ids(len(body.attachments)), strict=True
        )
    ]
    consent_grids = [
        outcome.answers[code]
        for code, question in form.questions.items()
        if question.type == "consent" and code in outcome.answers
    ]
    async with write_transaction():
        inserted = await first_statement.insert_visit(row, files, lock_case=bool(consent_grids))
        if inserted is None:
            return None
        if body.replaces is not None:
            replaced = await (
                Visit.update({Visit.state: "replaced"})
                .where((Visit.id == body.replaces) & Visit.state.is_in(list(REPLACEABLE)))
                .returning(Visit.id)
                .run()
            )
            if not replaced:
                raise InvalidReplacement("The visit was replaced or approved meanwhile.")
            await number_at_commit(Visit, body.replaces)
            # What the earlier revision asked and nobody took up yet is taken back; the
            # worker confirms the corrected visit's follow-ups anew.
            await retract_replaced(body.replaces)
        await _fill_case(actor, visit_id, body, outcome, form)
        await consent.record_from_visit(
            actor,
            body.case_id,
            visit_id,
            consent_grids,
            body.finalized_at,
            body.replaces,
            case_locked=inserted.case_locked,
        )
        if state == "submitted":
            await request_report(visit_id, actor.organisation_id, digest, "draft")
        await audit.record(actor, "create", "visit", [visit_id], detail=body.form_key)
        await number_at_commit(Visit, visit_id)
    return row, inserted.address


async def _fill_case(
    actor: Actor, visit_id: uuid.UUID, body: VisitWrite, outcome: Outcome, form: Form
) -> None:
    """The signal form's `fills:` answers become the case's signal (the authoritative one) and
    its Wgs facts: the legal-duty conditions answered yes or no, and the tenant's objection."""
    columns = {
        "signal.arrears_cents": HouseholdCase.arrears_cents,
        "signal.arrears_months": HouseholdCase.arrears_months,
        "signal.signal_date": HouseholdCase.signal_date,
    }
    values: dict[Any, Any] = {}
    conditions: dict[str, bool] = {}
    objected: bool | None = None
    for code, value in outcome.answers.items():
        fact = form.questions[code].spec.fills
        if fact is None:
            continue
        if fact in columns:
            values[columns[fact]] = outcome.values[code] if fact.endswith("date") else value
        elif fact.startswith(WGS_PREFIX):
            conditions[fact.removeprefix(WGS_PREFIX)] = bool(outcome.values[code])
        elif fact == "signal.objected_to_sharing":
            objected = bool(outcome.values[code])
    if conditions or objected is not None:
        values |= await _legal_duty_values(actor, visit_id, body.case_id, conditions, objected)
    if not values:
        return
    await (
        HouseholdCase.update(
            {
                **values,
                HouseholdCase.version: HouseholdCase.version + 1,
                HouseholdCase.updated_at: now(),
            }
        )
        .where(HouseholdCase.id == body.case_id)
        .run()
    )
    await number_at_commit(HouseholdCase, body.case_id)


async def _legal_duty_values(
    actor: Actor,
    visit_id: uuid.UUID,
    case_id: uuid.UUID,
    conditions: dict[str, bool],
    objected: bool | None,
) -> dict[Any, Any]:
    """The Wgs columns a visit changes. Only the signalling organisation's visit records them
    (the policy): the conditions are the landlord's own steps. Another organisation's answers
    stay in its visit and its report, and leave the legal signal as it was."""
    row = await legal_duty.signal_facts(case_id)
    if not get_policy().may_change_signal_facts(actor, row["signal_source"]):
        return {}
    met = legal_duty.merge_conditions(row["wgs_conditions"], conditions)
    objection = row["objected_to_sharing"] if objected is None else objected
    if not await legal_duty.record_legal_duty_change(actor, case_id, row, met, objection, visit_id):
        return {}
    return {HouseholdCase.wgs_conditions: met, HouseholdCase.objected_to_sharing: objection}


# Attachments --------------------------------------------------------------------------------
async def store_attachment(
    actor: Actor, visit_id: uuid.UUID, name: str, content_type: str, data: bytes
) -> tuple[AttachmentReceipt, bool]:
    visit = await Visit.select(Visit.worker, Visit.state).where(Visit.id == visit_id).first()
    if visit is None or visit["worker"] != actor.user_id:
        reason = "no such visit" if visit is None else "not the visit's worker"
        await audit.record_refusal(actor, "upload", "visit", visit_id, reason)
        raise VisitNotFound()
    declared = await _declared(visit_id, name)
    if declared is None:
        raise AttachmentNotDeclared(f"The visit declares no attachment {name!r}.")
    digest = hashlib.sha256(data).hexdigest()
    if digest != declared["declared_sha256"] or len(data) != declared["declared_size"]:
        raise AttachmentConflict(
            "These bytes are not the ones the visit declared under this name.",
            declared_sha256=declared["declared_sha256"],
        )
    if content_type != declared["declared_content_type"]:
        raise UnsupportedMediaType(
            f"This attachment was declared as {declared['declared_content_type']}."
        )
    if declared["received_at"] is not None:
        return await _attachment_receipt(visit_id, declared, "duplicate"), False
    cleaned = await asyncio.to_thread(images.clean, data, content_type)
    async with write_transaction():
        updated = await (
            VisitAttachment.update(
                {
                    VisitAttachment.received_at: now(),
                    VisitAttachment.content: cleaned.content,
                    VisitAttachment.content_type: cleaned.content_type,
                    VisitAttachment.width: cleaned.width,
                    VisitAttachment.height: cleaned.height,
                }
            )
            .where((VisitAttachment.id == declared["id"]) & VisitAttachment.received_at.is_null())
            .returning(VisitAttachment.id)
            .run()
        )
        if updated:
            waiting = await VisitAttachment.count().where(
                (VisitAttachment.visit == visit_id) & VisitAttachment.received_at.is_null()
            )
            if waiting == 0:
                submitted = await (
                    Visit.update({Visit.state: "submitted", Visit.change_seq: await next_seq()})
                    .where((Visit.id == visit_id) & (Visit.state == "awaiting_attachments"))
                    .returning(Visit.organisation, Visit.body_sha256)
                    .run()
                )
                for row in submitted:
                    await request_report(visit_id, row["organisation"], row["body_sha256"], "draft")
            await audit.record(actor, "upload", "visit", [visit_id], detail=name)
    declared = await _declared(visit_id, name)
    assert declared is not None
    return await _attachment_receipt(
        visit_id, declared, "created" if updated else "duplicate"
    ), bool(updated)


async def _declared(visit_id: uuid.UUID, name: str) -> dict[str, Any] | None:
    return await (
        VisitAttachment.select(*views.ATTACHMENT_COLUMNS)
        .where((VisitAttachment.visit == visit_id) & (VisitAttachment.name == name))
        .first()
        .run()
    )


async def _attachment_receipt(
    visit_id: uuid.UUID, row: dict[str, Any], outcome: str
) -> AttachmentReceipt:
    files = (await views.attachments_of([visit_id]))[visit_id]
    waiting = views.missing(files)
    return AttachmentReceipt(
        outcome=outcome,  # type: ignore[arg-type]
        name=row["name"],
        stored_content_type=row["content_type"],
        width=row["width"],
        height=row["height"],
        missing_attachments=waiting,
        complete=not waiting,
    )


# Reading ------------------------------------------------------------------------------------
async def get_visit(actor: Actor, visit_id: uuid.UUID) -> VisitDetail:
    row = await views.stored_visit(visit_id)
    facts = views.visit_facts(row)
    decision = (
        get_policy().may_view_visit(actor, facts) if facts else Decision(False, "no such visit")
    )
    if row is None or not decision:
        await audit.record_refusal(actor, "read", "visit", visit_id, decision.reason)
        raise VisitNotFound()
    await audit.record(actor, "read", "visit", [visit_id])
    return (await views.details([row]))[0]


async def list_visits(
    actor: Actor, state: VisitState | None, order: str, limit: int, offset: int
) -> list[VisitSummary]:
    """A worker's own visits; a supervisor's: every visit of their organisation (the queue)."""
    from api.accounts.roles import Role

    query = Visit.select(*views.VISIT_COLUMNS).output(load_json=True)
    if actor.has(Role.SUPERVISOR):
        query = query.where(Visit.organisation == actor.organisation_id)
    elif actor.roles & {Role.FIELD_WORKER}:
        query = query.where(Visit.worker == actor.user_id)
    else:
        await audit.record_refusal(actor, "list", "visit", "*", "no case role")
        raise Forbidden("This account has no access to visits.")
    if state is not None:
        query = query.where(Visit.state == state)
    rows = (
        await query.order_by(Visit.received_at, ascending=order == "oldest")
        .order_by(Visit.id)
        .limit(limit)
        .offset(offset)
        .run()
    )
    await audit.record(actor, "read", "visit", [row["id"] for row in rows], detail="list")
    return await views.summaries(rows)
