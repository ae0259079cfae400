"""The access policy's answers for the people around one case."""

import uuid

from api.accounts.roles import Role
from api.covenant.policy import CaseFacts, PersonFacts, get_policy
from api.lib.actor import Actor

HOUSING, MUNICIPALITY, GGD = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def actor(organisation: uuid.UUID, *roles: Role, user: uuid.UUID | None = None) -> Actor:
    return Actor(
        user_id=user or uuid.uuid4(),
        username="x",
        display_name="X",
        organisation_id=organisation,
        organisation_name="Org",
        organisation_kind="municipality",
        roles=frozenset(roles),
        device_id=uuid.uuid4(),
    )


WORKER = actor(HOUSING, Role.FIELD_WORKER)
DIRECTOR = actor(MUNICIPALITY, Role.FIELD_WORKER)
CASE = CaseFacts(
    case_id=uuid.uuid4(),
    participant_organisation_ids=frozenset({HOUSING, MUNICIPALITY}),
    assigned_user_ids=frozenset({WORKER.user_id}),
    director_user_id=DIRECTOR.user_id,
    director_organisation_id=MUNICIPALITY,
)


def test_the_assigned_worker_and_the_case_director_see_the_case():
    assert get_policy().may_view_case(WORKER, CASE)
    assert get_policy().may_view_case(DIRECTOR, CASE)


def test_a_supervisor_of_a_participating_organisation_sees_the_case():
    assert get_policy().may_view_case(actor(HOUSING, Role.SUPERVISOR), CASE)


def test_an_uninvolved_colleague_of_the_same_organisation_does_not():
    decision = get_policy().may_view_case(actor(HOUSING, Role.FIELD_WORKER), CASE)
    assert not decision
    assert decision.reason == "not assigned to the case"


def test_a_supervisor_of_an_organisation_outside_the_case_does_not():
    assert not get_policy().may_view_case(actor(GGD, Role.SUPERVISOR), CASE)


def test_an_administrator_never_sees_case_data():
    admin = actor(MUNICIPALITY, Role.FUNCTIONAL_ADMIN)
    assert not get_policy().may_view_case(admin, CASE)
    assert get_policy().case_organisation_scope(admin) is None
    assert get_policy().may_administer(admin)


def test_workers_are_assigned_by_their_own_organisation():
    supervisor = actor(HOUSING, Role.SUPERVISOR)
    colleague = PersonFacts(uuid.uuid4(), HOUSING, frozenset({Role.FIELD_WORKER}), True)
    outsider = PersonFacts(uuid.uuid4(), GGD, frozenset({Role.FIELD_WORKER}), True)
    assert get_policy().may_assign(supervisor, CASE, colleague)
    assert not get_policy().may_assign(supervisor, CASE, outsider)
    assert not get_policy().may_assign(WORKER, CASE, colleague)


def test_only_the_director_or_their_supervisor_hands_the_role_over():
    successor = PersonFacts(uuid.uuid4(), GGD, frozenset({Role.FIELD_WORKER}), True)
    assert get_policy().may_hand_over_direction(DIRECTOR, CASE, successor)
    assert get_policy().may_hand_over_direction(
        actor(MUNICIPALITY, Role.SUPERVISOR), CASE, successor
    )
    assert not get_policy().may_hand_over_direction(WORKER, CASE, successor)
    disabled = PersonFacts(uuid.uuid4(), GGD, frozenset({Role.FIELD_WORKER}), False)
    assert not get_policy().may_hand_over_direction(DIRECTOR, CASE, disabled)
