/**
 * The plan of a household as its case director reads it, and the director handover: who may
 * hand over (mirroring the server's policy, so nobody is offered a button that can only be
 * refused), whom to, and which of the server's problems the screen explains how.
 * Pure functions: the screen and the tests share them.
 */
import type { FollowupView, OrganisationRef } from '../../db';
import type { OnlineAnswer } from '../online';
import { isActive, isOverdue } from '../followups/model';

/** A person as the cases API names one (PersonRef): with the organisation they work for. */
export interface PlanPerson {
  id: string;
  display_name: string;
  organisation_id: string;
}

/** `GET /api/cases/{id}/plan` (CasePlan). The follow-ups come without extracts. */
export interface CasePlan {
  case_id: string;
  process_step: string;
  director: PlanPerson | null;
  followups: FollowupView[];
}

/** The signed-in user, as far as the handover rules need them. */
export interface PlanMe {
  id: string;
  organisation_id: string;
  roles: string[];
}

// Administrators manage people, never cases (api/covenant/policy.py CASE_ROLES).
const CASE_ROLES = ['field_worker', 'supervisor'];

export function planPath(caseId: string): string {
  return `/api/cases/${encodeURIComponent(caseId)}/plan`;
}

export function directorPath(caseId: string): string {
  return `/api/cases/${encodeURIComponent(caseId)}/director`;
}

/** Guards the screen against an answer that is not a plan (a proxy's page, an older server). */
export function isCasePlan(value: unknown): value is CasePlan {
  const plan = value as CasePlan | null;
  return typeof plan === 'object' && plan !== null && typeof plan.process_step === 'string' && Array.isArray(plan.followups);
}

function hasCaseRole(me: PlanMe): boolean {
  return me.roles.some((role) => CASE_ROLES.includes(role));
}

/**
 * As `may_hand_over_direction`: the director themselves, a supervisor of the organisation that
 * directs, or any supervisor while nobody directs yet. A supervisor of another organisation
 * taking part is refused by the server, so is not offered the handover either.
 * `directorOrganisationId` is the case's directing organisation (the director's by default).
 */
export function mayHandOver(me: PlanMe | null, director: PlanPerson | null, directorOrganisationId: string | null): boolean {
  if (!me || !hasCaseRole(me)) return false;
  if (director?.id === me.id) return true;
  if (!me.roles.includes('supervisor')) return false;
  if (!director) return true;
  return (directorOrganisationId ?? director.organisation_id) === me.organisation_id;
}

/**
 * Whom the role can go to: the people assigned to the case (the ones the case names with an
 * id), and myself when I may direct, never the current director. The server checks that the
 * person is an active field worker or supervisor; the device cannot know that of others.
 */
export function handoverCandidates(
  assigned: PlanPerson[],
  me: (PlanMe & { display_name: string }) | null,
  directorId: string | null,
): PlanPerson[] {
  const people = new Map<string, PlanPerson>();
  for (const person of assigned) people.set(person.id, person);
  if (me && hasCaseRole(me) && !people.has(me.id)) {
    people.set(me.id, { id: me.id, display_name: me.display_name, organisation_id: me.organisation_id });
  }
  if (directorId) people.delete(directorId);
  return [...people.values()].sort(
    (a, b) => a.display_name.localeCompare(b.display_name, 'nl') || a.id.localeCompare(b.id),
  );
}

/** "Name (Organisation)": the role often moves to another organisation, so it is named. */
export function personLabel(person: PlanPerson, organisations: OrganisationRef[]): string {
  const organisation = organisations.find((org) => org.id === person.organisation_id);
  return organisation ? `${person.display_name} (${organisation.name})` : person.display_name;
}

/**
 * The director's reading order: what is still running first (overdue at the top, then the
 * soonest due), since that is what they chase; then the declined, whose need is still unmet;
 * then the done and the retracted, the latest first.
 */
export function planOrder(followups: FollowupView[], today: string): FollowupView[] {
  const rank = (view: FollowupView) => {
    if (isActive(view.state)) return isOverdue(view, today) ? 0 : 1;
    if (view.state === 'declined') return 2;
    return view.state === 'done' ? 3 : 4;
  };
  return [...followups].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (isActive(a.state) ? a.due_on.localeCompare(b.due_on) : b.updated_at.localeCompare(a.updated_at)) ||
      a.id.localeCompare(b.id),
  );
}

/** The server's problems with a handover, as the screen tells them apart. */
export type HandoverProblem =
  | 'offline'
  | 'forbidden'
  | 'person_not_found'
  | 'case_not_found'
  | 'invalid'
  | 'session'
  | 'other';

export function handoverProblem(answer: Pick<OnlineAnswer<unknown>, 'status' | 'code'>): HandoverProblem {
  if (answer.status === 0) return 'offline';
  switch (answer.code) {
    case 'forbidden':
      return 'forbidden';
    case 'not_found': // the user_id names nobody (NotFound, field user_id)
      return 'person_not_found';
    case 'case_not_found':
      return 'case_not_found';
    case 'invalid_body':
    case 'rule_violation':
      return 'invalid';
  }
  return answer.status === 401 ? 'session' : 'other';
}
