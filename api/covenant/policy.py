"""The one access policy: every decision about who may see or change case data is made here.

Services gather the facts (who takes part in a case, who is assigned, who directs it) and ask;
they never decide with an `if` of their own. The follow-up issue extends this with the
covenant's information categories and the household's consent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from api.accounts.roles import Role
from api.covenant.loader import Basis, Covenant, load_covenant
from api.lib.actor import Actor

CASE_ROLES = frozenset({Role.FIELD_WORKER, Role.SUPERVISOR})


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def allow(reason: str) -> Decision:
    return Decision(True, reason)


def deny(reason: str) -> Decision:
    return Decision(False, reason)


@dataclass(frozen=True, slots=True)
class CaseFacts:
    case_id: uuid.UUID
    participant_organisation_ids: frozenset[uuid.UUID]
    assigned_user_ids: frozenset[uuid.UUID]
    director_user_id: uuid.UUID | None
    director_organisation_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class VisitFacts:
    visit_id: uuid.UUID
    case_id: uuid.UUID
    worker_id: uuid.UUID
    organisation_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class FollowupFacts:
    followup_id: uuid.UUID
    case_id: uuid.UUID
    from_organisation_id: uuid.UUID
    created_by: uuid.UUID
    recipient_organisation_id: uuid.UUID
    claimed_by: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class SharingFacts:
    """What a household agreed to and what the law requires, for one case, right now."""

    case_id: uuid.UUID
    # (information category, receiving organisation kind) pairs with consent given now.
    consent_given: frozenset[tuple[str, str]]
    # Legal duties (covenant `legal_duty` names, e.g. "wgs_signal") whose conditions are all
    # recorded on the case and to which the tenant did not object.
    legal_duties_met: frozenset[str]


@dataclass(frozen=True, slots=True)
class PersonFacts:
    user_id: uuid.UUID
    organisation_id: uuid.UUID
    roles: frozenset[Role]
    active: bool


class AccessPolicy:
    def __init__(self, covenant: Covenant) -> None:
        self.covenant = covenant

    # Administration --------------------------------------------------------------------------
    def may_administer(self, actor: Actor) -> Decision:
        if actor.has(Role.FUNCTIONAL_ADMIN):
            return allow("functional administrator")
        return deny("administration needs the functional administrator role")

    # Cases -----------------------------------------------------------------------------------
    def case_organisation_scope(self, actor: Actor) -> uuid.UUID | None:
        """The organisation whose cases an actor's list may draw from, or None for no cases.

        Administrators manage people and devices, never case data.
        """
        return actor.organisation_id if actor.roles & CASE_ROLES else None

    def may_create_case(self, actor: Actor) -> Decision:
        if actor.roles & CASE_ROLES:
            return allow("field worker or supervisor")
        return deny("only field workers and supervisors record cases")

    def may_view_case(self, actor: Actor, case: CaseFacts) -> Decision:
        """Need to know: a participating organisation's supervisors, the assigned workers and
        the case director. Colleagues of the same organisation who are not involved see nothing."""
        if not actor.roles & CASE_ROLES:
            return deny("no case role")
        if actor.user_id == case.director_user_id:
            return allow("case director")
        if actor.organisation_id not in case.participant_organisation_ids:
            return deny("organisation does not take part in the case")
        if actor.user_id in case.assigned_user_ids:
            return allow("assigned")
        if actor.has(Role.SUPERVISOR):
            return allow("supervisor of a participating organisation")
        return deny("not assigned to the case")

    def may_edit_case(self, actor: Actor, case: CaseFacts) -> Decision:
        # Editing needs the same involvement as seeing.
        return self.may_view_case(actor, case)

    def may_assign(self, actor: Actor, case: CaseFacts, worker: PersonFacts) -> Decision:
        if not self.may_view_case(actor, case):
            return deny("no access to the case")
        if worker.organisation_id != actor.organisation_id:
            return deny("workers are assigned by their own organisation")
        if not (actor.has(Role.SUPERVISOR) or actor.user_id == case.director_user_id):
            return deny("assigning needs a supervisor or the case director")
        if not worker.active or not worker.roles & CASE_ROLES:
            return deny("the worker is not an active field worker or supervisor")
        return allow("supervisor or case director of the worker's organisation")

    def may_hand_over_direction(
        self, actor: Actor, case: CaseFacts, new_director: PersonFacts
    ) -> Decision:
        if not self.may_view_case(actor, case):
            return deny("no access to the case")
        is_director = actor.user_id == case.director_user_id
        directs_org = (
            actor.has(Role.SUPERVISOR) and actor.organisation_id == case.director_organisation_id
        )
        no_director_yet = case.director_user_id is None and actor.has(Role.SUPERVISOR)
        if not (is_director or directs_org or no_director_yet):
            return deny("only the case director or a supervisor of their organisation hands over")
        if not new_director.active or not new_director.roles & CASE_ROLES:
            return deny("the new case director must be an active field worker or supervisor")
        return allow("case director handover")

    def may_read_access_log(self, actor: Actor, case: CaseFacts) -> Decision:
        """Who read, printed, changed or was refused a case (NEN 7513): for the supervisors of
        the organisations taking part, not for the workers it logs (nor the case director)."""
        if (
            actor.has(Role.SUPERVISOR)
            and actor.organisation_id in case.participant_organisation_ids
        ):
            return allow("supervisor of a participating organisation")
        return deny("the access log is for supervisors of the organisations taking part")

    # The household's right of access (AVG art. 15) ---------------------------------------------
    def may_answer_access_request(self, actor: Actor) -> Decision:
        """Each organisation answers a household's request for access as the controller of what
        it holds; its functional administrator makes the export (the one way an administrator
        reaches case data, and always audited). People who work on the case do not: they would
        see more than their need to know (other workers' visits, the whole access trail)."""
        if actor.has(Role.FUNCTIONAL_ADMIN):
            return allow("functional administrator")
        return deny("an access export needs the functional administrator role")

    def holds_household(
        self, actor: Actor, case: CaseFacts, followup_organisation_ids: frozenset[uuid.UUID]
    ) -> Decision:
        """Does the actor's organisation hold data of this household: it takes part in the
        case, or sent or received a follow-up about it? An organisation answers only for that."""
        if actor.organisation_id in case.participant_organisation_ids:
            return allow("organisation takes part in the case")
        if actor.organisation_id in followup_organisation_ids:
            return allow("organisation sent or received a follow-up on the case")
        return deny("the organisation holds no data of this household")

    # Visits ----------------------------------------------------------------------------------
    def may_record_visit(self, actor: Actor, case: CaseFacts) -> Decision:
        """Only a worker assigned to the case records a visit on it."""
        if not actor.roles & CASE_ROLES:
            return deny("no case role")
        if actor.user_id not in case.assigned_user_ids:
            return deny("not assigned to the case")
        return allow("assigned")

    def may_view_visit(self, actor: Actor, visit: VisitFacts) -> Decision:
        """A visit report stays inside the worker's organisation: the worker and their
        supervisors. Other organisations receive a follow-up's own extract, never the visit."""
        if actor.user_id == visit.worker_id and actor.roles & CASE_ROLES:
            return allow("own visit")
        if actor.has(Role.SUPERVISOR) and actor.organisation_id == visit.organisation_id:
            return allow("supervisor of the worker's organisation")
        return deny("visits stay with the worker and their supervisors")

    def may_review_visit(self, actor: Actor, visit: VisitFacts) -> Decision:
        """The four-eyes rule: a supervisor of the worker's organisation, never the worker."""
        if not (actor.has(Role.SUPERVISOR) and actor.organisation_id == visit.organisation_id):
            return deny("only a supervisor of the worker's organisation reviews a visit")
        if actor.user_id == visit.worker_id:
            return deny("nobody reviews their own visit")
        return allow("supervisor of the worker's organisation")

    # Follow-ups ------------------------------------------------------------------------------
    def may_create_followup(self, actor: Actor, case: CaseFacts) -> Decision:
        """Whoever works on the case for their organisation hands work to another."""
        return self.may_edit_case(actor, case)

    def receives_followup(self, actor: Actor, followup: FollowupFacts) -> bool:
        """A colleague of the receiving organisation: the one who gets the extract."""
        return bool(
            actor.roles & CASE_ROLES and actor.organisation_id == followup.recipient_organisation_id
        )

    def may_view_followup(
        self, actor: Actor, followup: FollowupFacts, case: CaseFacts | None
    ) -> Decision:
        if self.receives_followup(actor, followup):
            return allow("receiving organisation")
        if case is not None and actor.user_id == case.director_user_id:
            return allow("case director: the plan")
        if actor.organisation_id == followup.from_organisation_id and (
            actor.user_id == followup.created_by or actor.has(Role.SUPERVISOR)
        ):
            return allow("sender or a supervisor of the sending organisation")
        return deny("follow-ups are seen by their receiving organisation, sender and director")

    def may_act_on_followup(self, actor: Actor, followup: FollowupFacts, action: str) -> Decision:
        """Claiming and declining: any colleague of the receiving organisation. Progress and
        completion: whoever claimed it, or a supervisor of that organisation."""
        if not self.receives_followup(actor, followup):
            return deny("only the receiving organisation acts on a follow-up")
        if action in ("progress", "complete") and not (
            actor.user_id == followup.claimed_by or actor.has(Role.SUPERVISOR)
        ):
            return deny("only the colleague who claimed it, or a supervisor, reports on it")
        return allow("receiving organisation")

    # Sharing between organisations -------------------------------------------------------------
    def may_share(self, category: str, receiving_kind: str, facts: SharingFacts) -> Decision:
        """May this category of a household's data reach an organisation of this kind?

        Never where the covenant says never; by the legal duty once its conditions are met and
        the tenant did not object; otherwise only with the household's consent for the pair.
        """
        basis = self.covenant.basis(category, receiving_kind)
        if basis is Basis.NEVER:
            return deny(f"the covenant never shares {category} with {receiving_kind}")
        if basis is Basis.LEGAL_DUTY:
            for name in facts.legal_duties_met:
                duty = self.covenant.legal_duty[name]
                if duty.to_kind == receiving_kind and category in duty.categories:
                    return allow(f"legal duty {name}")
        if (category, receiving_kind) in facts.consent_given:
            return allow("consent given")
        return deny(f"no consent to share {category} with {receiving_kind}")

    def shared_categories(self, receiving_kind: str, facts: SharingFacts) -> frozenset[str]:
        return frozenset(
            category
            for category in self.covenant.information_categories
            if self.may_share(category, receiving_kind, facts)
        )

    def case_categories_withheld(
        self,
        actor: Actor,
        signal_source_id: uuid.UUID | None,
        facts: SharingFacts,
        categories: Iterable[str],
    ) -> frozenset[str]:
        """Which of a case's categories the actor's organisation may not see.

        The organisation that signalled the case held the household's data first and keeps
        seeing it; every other organisation sees a category only where `may_share` allows it
        for its kind (also the case director's: being involved is no legal basis).
        """
        if signal_source_id is not None and actor.organisation_id == signal_source_id:
            return frozenset()
        return frozenset(
            category
            for category in categories
            if not self.may_share(category, actor.organisation_kind, facts)
        )

    def may_change_signal_facts(self, actor: Actor, signal_source_id: uuid.UUID | None) -> Decision:
        """The signal's origin and the Wgs conditions are the signalling organisation's own
        record (the landlord's steps (a) to (d)). Anyone else changing them could make itself
        the source, or open the legal signal to itself, and so see what the covenant withholds."""
        if signal_source_id is None:
            return allow("the case has no signalling organisation yet")
        if actor.organisation_id == signal_source_id:
            return allow("signalling organisation")
        return deny("only the organisation that signalled the case records its signal facts")


_policy: AccessPolicy | None = None


def get_policy() -> AccessPolicy:
    global _policy
    if _policy is None:
        _policy = AccessPolicy(load_covenant())
    return _policy
