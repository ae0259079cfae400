/** Follow-ups as the screens show them: pending actions laid over, order, who may do what, proposals. */
import { describe, expect, it } from 'vitest';
import type { FollowupRow, OutboxRow, VisitRow } from '../src/db/types';
import {
  availableActions,
  defaultDue,
  followupWrite,
  fromOutbox,
  isOverdue,
  noticeKind,
  proposalProblem,
  receivedOrder,
  sentOrder,
  undecided,
  withPending,
} from '../src/app/followups/model';
import { followupActionRow, followupOutboxRow } from '../src/sync/records';
import { COLLEAGUE, DEBT_ORG, FakeFollowups, ME, MY_ORG } from './fake-followups';

function row(id: string, patch: Partial<FollowupRow> = {}): FollowupRow {
  const view = new FakeFollowups().received(id);
  return { ...view, scopes: ['received'], fetched_at: '2026-11-25T09:00:00Z', notice: null, ...patch };
}

let seq = 0;
function queued(record: Omit<OutboxRow, 'seq'>, state: OutboxRow['state'] = 'pending'): OutboxRow {
  return { ...record, seq: ++seq, state };
}

describe('laying pending actions over the server’s follow-up', () => {
  it('applies them in the order they were made and says they are waiting', () => {
    const outbox = [
      queued(followupActionRow('f-1', 'claim', '')),
      queued(followupActionRow('f-1', 'complete', 'Aangemeld bij schuldhulp')),
      queued(followupActionRow('f-2', 'decline', 'Niet voor ons')),
    ];
    expect(withPending(row('f-1'), outbox, ME)).toMatchObject({
      state: 'done',
      claimed_by: ME,
      outcome: 'Aangemeld bij schuldhulp',
      waiting: true,
      refused: [],
    });
    expect(withPending(row('f-3'), outbox, ME)).toMatchObject({ state: 'open', waiting: false });
  });

  it('does not apply a refused one, but names its reason', () => {
    const problem = { status: 409, code: 'followup_wrong_state', detail: 'x', at: 'y' };
    const refused = { ...queued(followupActionRow('f-1', 'decline', 'Geen tijd'), 'set_aside'), last_error: problem };
    expect(withPending(row('f-1'), [refused], ME)).toMatchObject({
      state: 'open',
      decline_reason: '',
      waiting: false,
      refused: [problem],
    });
  });

  it('shows a follow-up made here among the sent ones until the server has it', () => {
    const body = {
      case_id: 'case-1',
      recipient_organisation_id: DEBT_ORG.id,
      need: 'Schuldhulp',
      due_on: '2026-12-08',
      categories: ['debts'],
      visit_id: 'visit-1',
      suggestion_code: 'schuldhulp',
    };
    const shown = fromOutbox(queued(followupOutboxRow('f-new', body)), ME, MY_ORG, [DEBT_ORG]);
    expect(shown).toMatchObject({
      id: 'f-new',
      state: 'open',
      recipient_organisation: DEBT_ORG,
      scopes: ['sent'],
      waiting: true,
      local: true,
    });
    expect(availableActions(shown, ME, true)).toEqual([]);
  });
});

describe('the lists', () => {
  it('puts open ones first, then those under way, soonest due first, then the finished', () => {
    const rows = [
      row('done', { state: 'done', updated_at: '2026-11-20T00:00:00Z' }),
      row('claimed-soon', { state: 'claimed', due_on: '2026-11-30' }),
      row('open-late', { due_on: '2026-12-20' }),
      row('open-soon', { due_on: '2026-11-28' }),
    ];
    expect([...rows].sort(receivedOrder).map((r) => r.id)).toEqual([
      'open-soon',
      'open-late',
      'claimed-soon',
      'done',
    ]);
    expect([...rows].sort(sentOrder).map((r) => r.id)).toEqual([
      'open-soon',
      'claimed-soon',
      'open-late',
      'done',
    ]);
  });

  it('marks overdue what is still to do after its date, offline too', () => {
    expect(isOverdue({ state: 'open', due_on: '2026-11-24', overdue: false }, '2026-11-25')).toBe(true);
    expect(isOverdue({ state: 'claimed', due_on: '2026-11-25', overdue: false }, '2026-11-25')).toBe(false);
    expect(isOverdue({ state: 'done', due_on: '2026-11-01', overdue: false }, '2026-11-25')).toBe(false);
    expect(isOverdue({ state: 'in_progress', due_on: '2026-12-01', overdue: true }, '2026-11-25')).toBe(true);
  });
});

describe('who may do what', () => {
  const shown = (patch: Partial<FollowupRow>) => withPending(row('f-1', patch), [], ME);

  it('lets anyone of the receiving organisation claim or decline an open one', () => {
    expect(availableActions(shown({}), ME, false)).toEqual(['claim', 'decline']);
  });

  it('lets who claimed it, or a supervisor, report progress and complete', () => {
    expect(availableActions(shown({ state: 'claimed', claimed_by: ME }), ME, false)).toEqual([
      'progress',
      'complete',
      'decline',
    ]);
    expect(availableActions(shown({ state: 'in_progress', claimed_by: COLLEAGUE }), ME, false)).toEqual([
      'decline',
    ]);
    expect(availableActions(shown({ state: 'in_progress', claimed_by: COLLEAGUE }), ME, true)).toEqual([
      'progress',
      'complete',
      'decline',
    ]);
  });

  it('offers nothing on a finished one, nor to the sending organisation', () => {
    expect(availableActions(shown({ state: 'done' }), ME, true)).toEqual([]);
    const sender = { ...ME, organisation_id: 'org-corp' };
    expect(availableActions(shown({}), sender, true)).toEqual([]);
  });

  it('tells a colleague’s claim from a follow-up that was no longer open', () => {
    const at = '2026-11-25T09:00:00Z';
    expect(noticeKind({ code: 'followup_already_claimed', state: 'claimed', at })).toBe('already_claimed');
    expect(noticeKind({ code: 'followup_already_claimed', state: null, at })).toBe('already_claimed');
    expect(noticeKind({ code: 'followup_already_claimed', state: 'retracted', at })).toBe('not_open');
  });
});

describe('proposing follow-ups after a visit', () => {
  const suggestion = {
    code: 'schuldhulp',
    recipient_kind: 'debt_counselling',
    need_nl: 'Aanmelden bij schuldhulpverlening',
    need_en: 'Refer to debt counselling',
    categories: ['debts', 'contact_details'],
  };
  const visit = (patch: Partial<VisitRow> = {}): VisitRow => ({
    id: 'visit-1',
    case_id: 'case-1',
    body: {
      case_id: 'case-1',
      form_key: 'keukentafelgesprek',
      form_version: 1,
      visited_on: '2026-11-24',
      finalized_at: '2026-11-24T10:42:00+01:00',
      answers: {},
      attachments: [],
      replaces: null,
    },
    body_sha256: 'f'.repeat(64),
    status: 'sent',
    finalized_at: '2026-11-24T10:42:00+01:00',
    sent_at: '2026-11-24T10:43:00Z',
    receipt: {
      outcome: 'created',
      visit: { id: 'visit-1', state: 'submitted', missing_attachments: [], suggestions: [suggestion] },
    },
    server_state: 'submitted',
    problem: null,
    ...patch,
  });

  it('offers the receipt’s suggestions until the worker decided on each', () => {
    expect(undecided(visit())).toEqual([suggestion]);
    const at = '2026-11-24T11:00:00Z';
    expect(
      undecided(visit({ followup_choices: { schuldhulp: { decision: 'skipped', followup_id: null, at } } })),
    ).toEqual([]);
  });

  it('offers none for a visit not on the server, returned, or replaced by a correction', () => {
    expect(undecided(visit({ status: 'queued', server_state: null }))).toEqual([]);
    expect(undecided(visit({ server_state: 'returned' }))).toEqual([]);
    expect(undecided(visit({ server_state: 'replaced' }))).toEqual([]);
    expect(undecided(visit({ receipt: null }))).toEqual([]);
  });

  it('proposes the visit date plus two weeks, across months and years', () => {
    expect(defaultDue('2026-11-24')).toBe('2026-12-08');
    expect(defaultDue('2026-12-25')).toBe('2027-01-08');
    expect(defaultDue('2026-03-20')).toBe('2026-04-03'); // across the change to summer time
  });

  it('writes the follow-up as the server expects it', () => {
    const proposal = {
      recipient_organisation_id: DEBT_ORG.id,
      need: '  Aanmelden bij schuldhulpverlening ',
      due_on: '2026-12-08',
      categories: ['debts', 'contact_details', 'debts'],
    };
    expect(proposalProblem(proposal)).toBeNull();
    expect(followupWrite(visit(), proposal, 'schuldhulp')).toEqual({
      case_id: 'case-1',
      recipient_organisation_id: DEBT_ORG.id,
      need: 'Aanmelden bij schuldhulpverlening',
      due_on: '2026-12-08',
      categories: ['contact_details', 'debts'],
      visit_id: 'visit-1',
      suggestion_code: 'schuldhulp',
    });
    expect(proposalProblem({ ...proposal, recipient_organisation_id: '' })).toBe('recipient');
    expect(proposalProblem({ ...proposal, need: '  ' })).toBe('need');
    expect(proposalProblem({ ...proposal, due_on: '' })).toBe('due');
  });
});
