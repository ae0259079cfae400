"""Gathering a visit's report content from the database (the renderer never queries)."""

from __future__ import annotations

import uuid
from typing import Any

from api.accounts.tables import Organisation, UserAccount
from api.cases.tables import HouseholdCase
from api.covenant.loader import load_covenant
from api.forms.catalogue import get_registry
from api.reports.content import Approval, FollowupLine, ReportContent
from api.reports.tables import report_id
from api.visits.tables import Visit, VisitAttachment
from api.visits.views import address_line
from visit_forms import Form

# Visits whose scores count as "the previous visit" for the change column.
SCORED_STATES = ("submitted", "approved", "returned")


class ReportSourceMissing(LookupError):
    pass


async def gather(visit_id: uuid.UUID, kind: str) -> ReportContent:
    visit = await (
        Visit.select(*Visit.all_columns())
        .where(Visit.id == visit_id)
        .output(load_json=True)
        .first()
    )
    if visit is None:
        raise ReportSourceMissing(f"visit {visit_id} is gone")
    form = get_registry().get(visit["form_key"], visit["form_version"])
    if form is None:
        raise ReportSourceMissing(f"form {visit['form_key']} v{visit['form_version']} is gone")
    case = await HouseholdCase.select().where(HouseholdCase.id == visit["household_case"]).first()
    organisation = await (
        Organisation.select(Organisation.name)
        .where(Organisation.id == visit["organisation"])
        .first()
    )
    names = await _names({visit["worker"], visit["reviewed_by"]} - {None})
    covenant = load_covenant()
    approval = None
    if kind == "final":
        if visit["reviewed_by"] is None or visit["review_decision"] != "approve":
            raise ReportSourceMissing(f"visit {visit_id} is not approved")
        approval = Approval(names[visit["reviewed_by"]], visit["reviewed_at"])
    return ReportContent(
        report_id=report_id(visit_id, kind),
        draft=kind != "final",
        organisation_name=organisation["name"] if organisation else "",
        case_id=visit["household_case"],
        address=address_line(case) if case else "",
        visit_id=visit_id,
        replaces=visit["replaces"],
        visited_on=visit["visited_on"],
        finalized_at=visit["finalized_at"],
        worker_name=names.get(visit["worker"], ""),
        form=form,
        answers=visit["answers"],
        attachments=await _attachments(visit_id),
        previous_zrm=await _previous_zrm(visit, form),
        followups=[
            FollowupLine(
                recipient=covenant.organisation_kinds[item["recipient_kind"]].nl,
                need=item["need_nl"],
            )
            for item in visit["suggestions"]
        ],
        category_labels={
            code: category.label.nl for code, category in covenant.information_categories.items()
        },
        kind_labels={code: label.nl for code, label in covenant.organisation_kinds.items()},
        data_sha256=visit["body_sha256"],
        approval=approval,
        members_present=_members_present(form, visit["answers"]),
    )


async def _names(user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not user_ids:
        return {}
    rows = await (
        UserAccount.select(UserAccount.id, UserAccount.display_name)
        .where(UserAccount.id.is_in(sorted(user_ids)))
        .run()
    )
    return {row["id"]: row["display_name"] for row in rows}


async def _attachments(visit_id: uuid.UUID) -> dict[str, bytes]:
    rows = await (
        VisitAttachment.select(VisitAttachment.name, VisitAttachment.content)
        .where((VisitAttachment.visit == visit_id) & VisitAttachment.content.is_not_null())
        .run()
    )
    return {row["name"]: bytes(row["content"]) for row in rows}


async def _previous_zrm(visit: dict[str, Any], form: Form) -> dict[str, int] | None:
    """The scores of the organisation's latest earlier visit to the household that has them."""
    zrm_codes = [question.code for question in form.top_level() if question.type == "zrm"]
    if not zrm_codes:
        return None
    earlier = await (
        Visit.select(Visit.answers)
        .where(
            (Visit.household_case == visit["household_case"])
            & (Visit.organisation == visit["organisation"])
            & (Visit.id != visit["id"])
            & Visit.state.is_in(list(SCORED_STATES))
            & (Visit.visited_on <= visit["visited_on"])
            & (Visit.received_at < visit["received_at"])
        )
        .order_by(Visit.visited_on, ascending=False)
        .order_by(Visit.received_at, ascending=False)
        .output(load_json=True)
        .run()
    )
    for row in earlier:
        scores = {code: row["answers"][code] for code in zrm_codes if code in row["answers"]}
        if scores:
            return scores
    return None


def _members_present(form: Form, answers: dict[str, Any]) -> list[str]:
    """ "Noor (Huurder)": the names and roles of the household members at the table."""
    if "members_present" not in form.questions or "member_relation" not in form.questions:
        return []
    relation = form.questions["member_relation"].spec
    labels = {option.code: option.label.nl for option in relation.options or ()}
    present = []
    for member in answers.get("members_present", []):
        role = labels.get(member.get("member_relation", ""), "")
        present.append(f"{member['member_name']} ({role})" if role else member["member_name"])
    return present
