/**
 * Follow-ups as the worker sees them: the server's last word with our own actions still on
 * their way laid over it, the order of the lists, which actions are open to whom, and the
 * defaults of a proposed follow-up. Pure functions: the screens and the tests share them.
 */
import type {
  FollowupActionName,
  FollowupNotice,
  FollowupPerson,
  FollowupRow,
  FollowupScope,
  FollowupState,
  FollowupView,
  FollowupWrite,
  OrganisationRef,
  OutboxRow,
  RecordProblem,
  VisitRow,
  VisitSuggestion,
} from '../../db';

export interface FollowupShown extends FollowupView {
  scopes: FollowupScope[];
  /** Something of ours for it is not acknowledged yet: "wacht op verzending". */
  waiting: boolean;
  /** Our records for it that the server refused: kept, with the reason, on the sync page. */
  refused: RecordProblem[];
  notice: FollowupNotice | null;
  /** Made on this device and not yet on the server. */
  local: boolean;
}

const AFTER: Record<FollowupActionName, FollowupState> = {
  claim: 'claimed',
  progress: 'in_progress',
  decline: 'declined',
  complete: 'done',
};

const ACTIVE: ReadonlySet<FollowupState> = new Set(['open', 'claimed', 'in_progress']);

/**
 * The follow-up as it will be once our pending actions arrive (in the order they were made).
 * A set-aside action is not applied: the server said no to it.
 */
export function withPending(row: FollowupRow, outbox: OutboxRow[], me: FollowupPerson): FollowupShown {
  const mine = outbox.filter((other) => other.followup_id === row.id).sort((a, b) => a.seq - b.seq);
  const shown: FollowupShown = {
    ...row,
    waiting: false,
    refused: [],
    notice: row.notice ?? null,
    local: false,
  };
  for (const record of mine) {
    if (record.state === 'set_aside') {
      if (record.last_error) shown.refused.push(record.last_error);
      continue;
    }
    shown.waiting = true;
    const action = record.followup_action;
    if (!action) continue;
    const body = record.body as { text?: string } | undefined;
    shown.state = AFTER[action];
    if (action === 'claim') shown.claimed_by = me;
    if (action === 'complete') shown.outcome = body?.text ?? '';
    if (action === 'decline') shown.decline_reason = body?.text ?? '';
  }
  return shown;
}

/**
 * A follow-up made on this device that the server has not acknowledged: shown among the sent
 * ones from its outbox row. Once acknowledged the server's copy takes its place.
 */
export function fromOutbox(
  record: OutboxRow,
  me: FollowupPerson,
  myOrganisation: OrganisationRef,
  recipients: OrganisationRef[],
): FollowupShown {
  const body = record.body as FollowupWrite;
  const recipient = recipients.find((org) => org.id === body.recipient_organisation_id) ?? {
    id: body.recipient_organisation_id,
    name: '',
    kind: '',
  };
  return {
    id: record.record_id,
    case_id: body.case_id,
    visit_id: body.visit_id,
    suggestion_code: body.suggestion_code,
    from_organisation: myOrganisation,
    created_by: me,
    recipient_organisation: recipient,
    need: body.need,
    categories: body.categories,
    due_on: body.due_on,
    state: 'open',
    claimed_by: null,
    claimed_at: null,
    outcome: '',
    decline_reason: '',
    created_at: record.created_at,
    updated_at: record.created_at,
    overdue: false,
    extract: null,
    scopes: ['sent'],
    waiting: record.state === 'pending',
    refused: record.state === 'set_aside' && record.last_error ? [record.last_error] : [],
    notice: null,
    local: true,
  };
}

export function isActive(state: FollowupState): boolean {
  return ACTIVE.has(state);
}

/** The server says so at its read; offline the day may have passed since. */
export function isOverdue(view: Pick<FollowupView, 'state' | 'due_on' | 'overdue'>, today: string): boolean {
  return isActive(view.state) && (view.overdue || view.due_on < today);
}

/** Open first (someone must pick it up), then the ones under way, then the finished; soonest due first. */
export function receivedOrder(a: FollowupView, b: FollowupView): number {
  const rank = (view: FollowupView) => (view.state === 'open' ? 0 : isActive(view.state) ? 1 : 2);
  return (
    rank(a) - rank(b) ||
    (isActive(a.state) ? a.due_on.localeCompare(b.due_on) : b.updated_at.localeCompare(a.updated_at)) ||
    a.id.localeCompare(b.id)
  );
}

/** Still running first, soonest due first; then the finished, the latest first. */
export function sentOrder(a: FollowupView, b: FollowupView): number {
  const rank = (view: FollowupView) => (isActive(view.state) ? 0 : 1);
  return (
    rank(a) - rank(b) ||
    (isActive(a.state) ? a.due_on.localeCompare(b.due_on) : b.updated_at.localeCompare(a.updated_at)) ||
    a.id.localeCompare(b.id)
  );
}

/**
 * What I may do now, as the server's policy allows it: anyone of the receiving organisation
 * claims or declines; who claimed it (or a supervisor) reports progress and completes.
 */
export function availableActions(
  view: FollowupShown,
  me: FollowupPerson,
  supervisor: boolean,
): FollowupActionName[] {
  if (view.local || view.recipient_organisation.id !== me.organisation_id) return [];
  if (view.state === 'open') return ['claim', 'decline'];
  if (view.state === 'claimed' || view.state === 'in_progress') {
    const reports = view.claimed_by?.id === me.id || supervisor;
    return reports ? ['progress', 'complete', 'decline'] : ['decline'];
  }
  return [];
}

/**
 * The server says "already claimed" to any claim of a follow-up that is not open: a colleague
 * was first, unless it was declined or retracted meanwhile.
 */
export function noticeKind(notice: FollowupNotice): 'already_claimed' | 'not_open' {
  const byColleague = notice.state === null || ['claimed', 'in_progress', 'done'].includes(notice.state);
  return notice.code === 'followup_already_claimed' && byColleague ? 'already_claimed' : 'not_open';
}

/** Decline says why, complete what came of it (the server refuses either without). */
export function needsText(action: FollowupActionName): boolean {
  return action === 'decline' || action === 'complete';
}

// --- Proposing follow-ups after a visit ----------------------------------------------------

/** The server retracts what a replaced visit asked; a returned visit is corrected first. */
const PROPOSABLE = new Set(['awaiting_attachments', 'submitted', 'approved']);

export function suggestionsOf(visit: VisitRow): VisitSuggestion[] {
  if (visit.status !== 'sent' || !PROPOSABLE.has(visit.server_state ?? '')) return [];
  return visit.receipt?.visit.suggestions ?? [];
}

/** The suggestions the worker has neither confirmed nor skipped. */
export function undecided(visit: VisitRow): VisitSuggestion[] {
  const choices = visit.followup_choices ?? {};
  return suggestionsOf(visit).filter((suggestion) => !choices[suggestion.code]);
}

/** The visit date plus two weeks, as a calendar date (no time zone can shift it). */
export function defaultDue(visitedOn: string, days = 14): string {
  const [y, m, d] = visitedOn.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return date.toISOString().slice(0, 10);
}

export function recipientsOfKind(organisations: OrganisationRef[], kind: string): OrganisationRef[] {
  return organisations.filter((org) => org.kind === kind);
}

export interface Proposal {
  recipient_organisation_id: string;
  need: string;
  due_on: string;
  categories: string[];
}

export function followupWrite(
  visit: VisitRow,
  proposal: Proposal,
  suggestionCode: string | null,
): FollowupWrite {
  return {
    case_id: visit.case_id,
    recipient_organisation_id: proposal.recipient_organisation_id,
    need: proposal.need.trim(),
    due_on: proposal.due_on,
    categories: [...new Set(proposal.categories)].sort(),
    visit_id: visit.id,
    suggestion_code: suggestionCode,
  };
}

/** Why a proposal cannot be sent yet; null when it can. */
export function proposalProblem(proposal: Proposal): 'recipient' | 'need' | 'due' | null {
  if (!proposal.recipient_organisation_id) return 'recipient';
  if (!proposal.need.trim()) return 'need';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(proposal.due_on)) return 'due';
  return null;
}
