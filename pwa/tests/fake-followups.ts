/**
 * The follow-up routes of the fake server, as api/followups answers them: lists by scope,
 * `PUT` idempotent by id (201, 200 duplicate, 409 followup_conflict), and the actions with
 * their device-made action id (the same id again answers as the first time), one winner when
 * two colleagues claim, 409 followup_wrong_state, 422 text_required.
 */
import type {
  FollowupActionName,
  FollowupPerson,
  FollowupState,
  FollowupView,
  OrganisationRef,
} from '../src/db/types';
import type { RecordedRequest } from './fake-server';

export const MY_ORG: OrganisationRef = { id: 'org-gemeente', name: 'Gemeente Utrecht', kind: 'municipality' };
export const OTHER_ORG: OrganisationRef = { id: 'org-corp', name: 'Woonstad', kind: 'housing_corporation' };
export const DEBT_ORG: OrganisationRef = { id: 'org-shv', name: 'Schuldhulp Utrecht', kind: 'debt_counselling' };
export const ME: FollowupPerson = { id: 'user-me', display_name: 'Sanne de Vries', organisation_id: MY_ORG.id };
export const COLLEAGUE: FollowupPerson = { id: 'user-colleague', display_name: 'Ahmed Yilmaz', organisation_id: MY_ORG.id };
const SENDER: FollowupPerson = { id: 'user-sender', display_name: 'Petra Bakker', organisation_id: OTHER_ORG.id };

const TRANSITIONS: Record<FollowupActionName, [FollowupState[], FollowupState]> = {
  claim: [['open'], 'claimed'],
  progress: [['claimed', 'in_progress'], 'in_progress'],
  complete: [['claimed', 'in_progress'], 'done'],
  decline: [['open', 'claimed', 'in_progress'], 'declined'],
};

interface Done {
  followup: string;
  action: string;
  actor: string;
}

type Reply = { status: number; body: unknown };

export class FakeFollowups {
  readonly followups = new Map<string, FollowupView>();
  /** The canonical body of each follow-up made through PUT, for idempotency. */
  readonly bodies = new Map<string, string>();
  /** Every action id the server committed. */
  readonly actions = new Map<string, Done>();
  readonly organisations = [MY_ORG, OTHER_ORG, DEBT_ORG];

  /** A follow-up another organisation sent to mine. */
  received(id: string, patch: Partial<FollowupView> = {}): FollowupView {
    const view: FollowupView = {
      id,
      case_id: 'case-1',
      visit_id: null,
      suggestion_code: null,
      from_organisation: OTHER_ORG,
      created_by: SENDER,
      recipient_organisation: MY_ORG,
      need: 'Schuldhulp opstarten',
      categories: ['contact_details', 'debts'],
      due_on: '2026-12-08',
      state: 'open',
      claimed_by: null,
      claimed_at: null,
      outcome: '',
      decline_reason: '',
      created_at: '2026-11-24T10:00:00Z',
      updated_at: '2026-11-24T10:00:00Z',
      overdue: false,
      extract: {
        shared_categories: ['contact_details'],
        withheld_categories: ['debts'],
        data: { contact_details: [{ label: 'Adres', value: 'Kerkstraat 1, 3511 AB Utrecht' }] },
      },
      ...patch,
    };
    this.followups.set(id, view);
    return view;
  }

  /** A colleague acts first, straight on the server. */
  claimBy(id: string, person: FollowupPerson = COLLEAGUE): void {
    const view = this.followups.get(id)!;
    this.followups.set(id, { ...view, state: 'claimed', claimed_by: person, claimed_at: '2026-11-25T08:00:00Z' });
  }

  handle(request: RecordedRequest): Reply | null {
    const { method, path } = request;
    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === '/api/followups') return this.list(request.query);
    if (method === 'GET' && path === '/api/followups/recipients') {
      return { status: 200, body: this.organisations };
    }
    if (method === 'GET' && (m = path.match(/^\/api\/followups\/([^/]+)$/))) {
      const view = this.followups.get(decodeURIComponent(m[1]));
      return view ? ok(this.forMe(view)) : notFound();
    }
    if (method === 'PUT' && (m = path.match(/^\/api\/followups\/([^/]+)$/))) {
      return this.put(decodeURIComponent(m[1]), request.text ?? '');
    }
    if (method === 'POST' && (m = path.match(/^\/api\/followups\/([^/]+)\/(claim|progress|decline|complete)$/))) {
      return this.act(decodeURIComponent(m[1]), m[2] as FollowupActionName, request.text ?? '');
    }
    return null;
  }

  private list(query: URLSearchParams): Reply {
    const scope = query.get('scope') ?? 'received';
    const limit = Number(query.get('limit') ?? 100);
    const offset = Number(query.get('offset') ?? 0);
    const mine = [...this.followups.values()]
      .filter((view) =>
        scope === 'received' ? view.recipient_organisation.id === MY_ORG.id : view.from_organisation.id === MY_ORG.id,
      )
      .sort((a, b) => a.due_on.localeCompare(b.due_on) || a.id.localeCompare(b.id));
    return ok(mine.slice(offset, offset + limit).map((view) => this.forMe(view)));
  }

  /** Only the receiving organisation sees the extract. */
  private forMe(view: FollowupView): FollowupView {
    return view.recipient_organisation.id === MY_ORG.id ? view : { ...view, extract: null };
  }

  private put(id: string, text: string): Reply {
    const body = JSON.parse(text) as Record<string, unknown>;
    const fields = ['case_id', 'categories', 'due_on', 'need', 'recipient_organisation_id', 'suggestion_code', 'visit_id'];
    if (Object.keys(body).sort().join() !== fields.join()) return problem(400, 'invalid_body', 'Fields');
    const stored = this.bodies.get(id);
    if (stored !== undefined) {
      if (stored !== text) return problem(409, 'followup_conflict', 'A different follow-up is stored under this id');
      return ok({ outcome: 'duplicate', followup: this.followups.get(id) });
    }
    const recipient = this.organisations.find((org) => org.id === body.recipient_organisation_id);
    if (!recipient) return problem(422, 'invalid_recipient', 'No such organisation');
    const view: FollowupView = {
      ...this.received(id),
      case_id: String(body.case_id),
      visit_id: (body.visit_id as string | null) ?? null,
      suggestion_code: (body.suggestion_code as string | null) ?? null,
      from_organisation: MY_ORG,
      created_by: ME,
      recipient_organisation: recipient,
      need: String(body.need),
      categories: body.categories as string[],
      due_on: String(body.due_on),
      extract: null,
    };
    this.followups.set(id, view);
    this.bodies.set(id, text);
    return { status: 201, body: { outcome: 'created', followup: view } };
  }

  private act(id: string, action: FollowupActionName, text: string): Reply {
    const body = JSON.parse(text) as { action_id: string; text: string };
    const view = this.followups.get(id);
    if (!view || view.recipient_organisation.id !== MY_ORG.id) return notFound();
    const before = this.actions.get(body.action_id);
    if (before) {
      if (before.followup !== id || before.action !== action || before.actor !== ME.id) {
        return problem(409, 'action_conflict', 'This action id was used for another action');
      }
      return ok(view);
    }
    if ((action === 'complete' || action === 'decline') && !body.text.trim()) {
      return problem(422, 'text_required', 'Say what came of it, or why');
    }
    if ((action === 'progress' || action === 'complete') && view.claimed_by?.id !== ME.id) {
      return problem(403, 'forbidden', 'Only the colleague who claimed it reports on it');
    }
    const [from, to] = TRANSITIONS[action];
    if (!from.includes(view.state)) {
      if (action === 'claim') {
        return problem(409, 'followup_already_claimed', 'A colleague claimed this follow-up first.', { state: view.state });
      }
      return problem(409, 'followup_wrong_state', `A follow-up that is ${view.state} cannot be ${action}ed.`, { state: view.state });
    }
    const next: FollowupView = { ...view, state: to, updated_at: '2026-11-25T09:00:00Z' };
    if (action === 'claim') Object.assign(next, { claimed_by: ME, claimed_at: '2026-11-25T09:00:00Z' });
    if (action === 'complete') next.outcome = body.text.trim();
    if (action === 'decline') next.decline_reason = body.text.trim();
    this.followups.set(id, next);
    this.actions.set(body.action_id, { followup: id, action, actor: ME.id });
    return ok(next);
  }
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function notFound(): Reply {
  return problem(404, 'followup_not_found', 'Follow-up not found');
}

function problem(status: number, code: string, title: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { type: 'about:blank', code, title, detail: title, ...extra } };
}
