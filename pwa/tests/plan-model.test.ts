/** The case director's plan: who may hand over, to whom, the reading order, the problems. */
import { describe, expect, it } from 'vitest';
import type { FollowupView } from '../src/db/types';
import {
  directorPath,
  handoverCandidates,
  handoverProblem,
  isCasePlan,
  mayHandOver,
  personLabel,
  planOrder,
  planPath,
  type PlanPerson,
} from '../src/app/plan/model';
import { DEBT_ORG, FakeFollowups, MY_ORG, OTHER_ORG } from './fake-followups';

const ANNA: PlanPerson = { id: 'user-anna', display_name: 'Anna Jansen', organisation_id: MY_ORG.id };
const BRAM: PlanPerson = { id: 'user-bram', display_name: 'Bram de Wit', organisation_id: OTHER_ORG.id };
const CARLA: PlanPerson = { id: 'user-carla', display_name: 'Carla Smit', organisation_id: DEBT_ORG.id };

const worker = (person: PlanPerson) => ({ ...person, roles: ['field_worker'] });
const supervisor = (person: PlanPerson) => ({ ...person, roles: ['supervisor'] });

describe('who may hand over the case director role', () => {
  it('lets the director hand over, whatever their role', () => {
    expect(mayHandOver(worker(ANNA), ANNA, MY_ORG.id)).toBe(true);
  });

  it('lets a supervisor of the directing organisation hand over, not one of another', () => {
    const boss = supervisor({ id: 'user-boss', display_name: 'Baas', organisation_id: MY_ORG.id });
    expect(mayHandOver(boss, ANNA, MY_ORG.id)).toBe(true);
    expect(mayHandOver(boss, BRAM, OTHER_ORG.id)).toBe(false);
  });

  it('goes by the case’s directing organisation when it is known', () => {
    const boss = supervisor({ id: 'user-boss', display_name: 'Baas', organisation_id: MY_ORG.id });
    expect(mayHandOver(boss, BRAM, MY_ORG.id)).toBe(true);
    expect(mayHandOver(boss, ANNA, OTHER_ORG.id)).toBe(false);
  });

  it('lets any supervisor appoint the first director, no field worker', () => {
    expect(mayHandOver(supervisor(BRAM), null, null)).toBe(true);
    expect(mayHandOver(worker(BRAM), null, null)).toBe(false);
  });

  it('refuses a field worker who does not direct, an administrator, and nobody signed in', () => {
    expect(mayHandOver(worker(BRAM), ANNA, MY_ORG.id)).toBe(false);
    expect(mayHandOver({ ...ANNA, roles: ['functional_admin'] }, ANNA, MY_ORG.id)).toBe(false);
    expect(mayHandOver(null, ANNA, MY_ORG.id)).toBe(false);
  });
});

describe('whom the role can go to', () => {
  it('offers the assigned people and me, never the director, by name', () => {
    const me = worker(ANNA);
    const shown = handoverCandidates([CARLA, BRAM, ANNA], me, ANNA.id);
    expect(shown.map((person) => person.id)).toEqual([BRAM.id, CARLA.id]);
  });

  it('adds me once when I am not assigned, but not an administrator', () => {
    const boss = supervisor({ id: 'user-boss', display_name: 'Aad Baas', organisation_id: MY_ORG.id });
    expect(handoverCandidates([BRAM], boss, BRAM.id).map((person) => person.id)).toEqual(['user-boss']);
    expect(handoverCandidates([BRAM], { ...boss, roles: ['functional_admin'] }, null)).toEqual([BRAM]);
  });

  it('names the organisation when it is known', () => {
    expect(personLabel(BRAM, [MY_ORG, OTHER_ORG])).toBe('Bram de Wit (Woonstad)');
    expect(personLabel(BRAM, [MY_ORG])).toBe('Bram de Wit');
  });
});

describe('the reading order of the plan', () => {
  const fake = new FakeFollowups();
  const view = (id: string, patch: Partial<FollowupView>) => ({ ...fake.received(id, patch), extract: null });

  it('puts the overdue first, then the running by due date, the declined, the done, the retracted', () => {
    const followups = [
      view('done-old', { state: 'done', updated_at: '2026-11-01T10:00:00Z' }),
      view('retracted', { state: 'retracted', updated_at: '2026-11-30T10:00:00Z' }),
      view('done-new', { state: 'done', updated_at: '2026-11-20T10:00:00Z' }),
      view('later', { state: 'claimed', due_on: '2026-12-20' }),
      view('declined', { state: 'declined', decline_reason: 'Niet voor ons' }),
      view('sooner', { state: 'open', due_on: '2026-12-10' }),
      view('past-due', { state: 'in_progress', due_on: '2026-11-30' }),
      view('flagged', { state: 'open', due_on: '2026-12-15', overdue: true }),
    ];
    const order = planOrder(followups, '2026-12-01').map((row) => row.id);
    expect(order).toEqual(['past-due', 'flagged', 'sooner', 'later', 'declined', 'done-new', 'done-old', 'retracted']);
  });

  it('leaves the server’s list as it was', () => {
    const followups = [view('b', { due_on: '2026-12-20' }), view('a', { due_on: '2026-12-10' })];
    planOrder(followups, '2026-12-01');
    expect(followups.map((row) => row.id)).toEqual(['b', 'a']);
  });
});

describe('talking to the server', () => {
  it('escapes the case id in the paths', () => {
    expect(planPath('a/b')).toBe('/api/cases/a%2Fb/plan');
    expect(directorPath('case-1')).toBe('/api/cases/case-1/director');
  });

  it('knows a plan from something else', () => {
    expect(isCasePlan({ case_id: 'c', process_step: 'plan', director: null, followups: [] })).toBe(true);
    expect(isCasePlan({ detail: 'Not found' })).toBe(false);
    expect(isCasePlan(null)).toBe(false);
  });

  it('tells the handover’s problems apart by their code', () => {
    expect(handoverProblem({ status: 0, code: null })).toBe('offline');
    expect(handoverProblem({ status: 403, code: 'forbidden' })).toBe('forbidden');
    expect(handoverProblem({ status: 404, code: 'not_found' })).toBe('person_not_found');
    expect(handoverProblem({ status: 404, code: 'case_not_found' })).toBe('case_not_found');
    expect(handoverProblem({ status: 400, code: 'invalid_body' })).toBe('invalid');
    expect(handoverProblem({ status: 401, code: 'session_ended' })).toBe('session');
    expect(handoverProblem({ status: 500, code: null })).toBe('other');
  });
});
