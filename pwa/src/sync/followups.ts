/**
 * Follow-ups on the device: the sync step that fetches them, and what the outbox does with the
 * server's answer to a follow-up record (store the follow-up as it now stands, or settle a claim
 * a colleague won).
 *
 * The contract's `GET /api/sync/changes` names follow-ups, and the server already numbers each
 * follow-up change (`change_seq`), but its pages do not carry them yet. Until they do, this step
 * runs after the pull and fetches the two lists whole. Once the pull carries them, they belong in
 * `storePage` (pull.ts), with removals like `removed_case_ids`, and this step goes.
 */
import type { KeukentafelDb } from '../db/database';
import type {
  FollowupRow,
  FollowupScope,
  FollowupState,
  FollowupView,
  OutboxRow,
  RecordProblem,
} from '../db/types';
import type { Answer } from './http';
import { problemOf } from './http';
import { getJson, type PullOptions, type PullOutcome } from './pull';
import { nowIso } from './time';

/** A page of `GET /api/followups` (the server allows up to 500). */
export const FOLLOWUP_PAGE = 200;
/** Past this the lists are not complete, so nothing is forgotten on this round. */
const MAX_PAGES = 10;
const SCOPES: FollowupScope[] = ['received', 'sent'];
const STATES = new Set<string>(['open', 'claimed', 'in_progress', 'done', 'declined', 'retracted']);

/**
 * Fetch the follow-ups received by my organisation and those we sent, and store them. Each list
 * is fetched whole (paged by offset; a follow-up that moves meanwhile is caught next time).
 */
export async function refreshFollowups(options: PullOptions): Promise<PullOutcome> {
  const now = options.now ?? Date.now;
  let pages = 0;
  try {
    for (const scope of SCOPES) {
      const views: FollowupView[] = [];
      let complete = false;
      for (let page = 0; page < MAX_PAGES; page++) {
        const path = `/api/followups?scope=${scope}&limit=${FOLLOWUP_PAGE}&offset=${page * FOLLOWUP_PAGE}`;
        const got = await getJson(options, path, pages, now);
        if (!got.ok) return got.outcome;
        if (!Array.isArray(got.json)) {
          return failed(pages, 'bad_page', 'The follow-ups were not a list.', now());
        }
        pages++;
        views.push(...(got.json as FollowupView[]).filter(isFollowupView));
        if (got.json.length < FOLLOWUP_PAGE) {
          complete = true;
          break;
        }
      }
      await storeFollowups(options.db, scope, views, complete, nowIso(now()));
    }
  } catch (error) {
    // IndexedDB refused: the list's transaction rolled back whole; the next sync tries again.
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return failed(pages, 'device_error', detail, now());
  }
  return { result: 'done', pages };
}

/**
 * One list, all or nothing. A complete list is the server's whole truth for its scope: a
 * follow-up no longer in it is forgotten, unless something of ours for it is still in the outbox.
 */
export async function storeFollowups(
  db: KeukentafelDb,
  scope: FollowupScope,
  views: FollowupView[],
  complete: boolean,
  at: string,
): Promise<void> {
  await db.transaction('rw', [db.followups, db.outbox], async () => {
    for (const view of views) await storeFollowupView(db, view, scope, at);
    if (!complete) return;
    const seen = new Set(views.map((view) => view.id));
    const gone = await db.followups
      .filter((row) => row.scopes.includes(scope) && !seen.has(row.id))
      .toArray();
    for (const row of gone) {
      const scopes = row.scopes.filter((other) => other !== scope);
      const waiting = await db.outbox.where('followup_id').equals(row.id).count();
      if (scopes.length === 0 && waiting === 0) await db.followups.delete(row.id);
      else await db.followups.update(row.id, { scopes });
    }
  });
}

/** The server's view replaces ours; the scopes it was seen in and an unread notice stay. */
export async function storeFollowupView(
  db: KeukentafelDb,
  view: FollowupView,
  scope: FollowupScope,
  at: string,
  options: { clearNotice?: boolean } = {},
): Promise<void> {
  const known = await db.followups.get(view.id);
  const scopes = known?.scopes.includes(scope) ? known.scopes : [...(known?.scopes ?? []), scope];
  const row: FollowupRow = {
    ...view,
    scopes,
    fetched_at: at,
    notice: options.clearNotice ? null : (known?.notice ?? null),
  };
  await db.followups.put(row);
}

/**
 * A follow-up record was acknowledged: keep the follow-up as the answer shows it. A create
 * answers a receipt ({outcome, followup}), an action the follow-up itself. Runs inside the
 * outbox's acknowledging transaction.
 */
export async function acknowledgeFollowup(
  db: KeukentafelDb,
  row: OutboxRow,
  json: unknown,
  at: string,
): Promise<void> {
  if (row.kind === 'followup') {
    const view = (json as { followup?: unknown } | null)?.followup;
    if (isFollowupView(view)) await storeFollowupView(db, view, 'sent', at);
    return;
  }
  // Our own action went through: an older "a colleague was first" no longer applies.
  if (isFollowupView(json)) await storeFollowupView(db, json, 'received', at, { clearNotice: true });
}

/**
 * A colleague claimed it first. The claim leaves the outbox (it held no text of the worker's);
 * the follow-up shows the state the server named and a notice, until the next sync (which runs
 * right after this flush) brings who claimed it.
 */
export async function settleOvertaken(
  db: KeukentafelDb,
  row: OutboxRow,
  answer: Answer,
  problem: RecordProblem,
): Promise<void> {
  const reported = answer.kind === 'response' ? problemOf(answer.json).state : undefined;
  const state = typeof reported === 'string' && STATES.has(reported) ? reported : null;
  await db.transaction('rw', [db.outbox, db.followups], async () => {
    if (!(await db.outbox.get(row.seq))) return;
    await db.outbox.delete(row.seq);
    if (!row.followup_id || !(await db.followups.get(row.followup_id))) return;
    await db.followups.update(row.followup_id, {
      notice: { code: problem.code, state, at: problem.at },
      ...(state ? { state: state as FollowupState } : {}),
    });
  });
}

export function isFollowupView(value: unknown): value is FollowupView {
  const view = value as FollowupView | null;
  return (
    !!view &&
    typeof view === 'object' &&
    typeof view.id === 'string' &&
    typeof view.state === 'string' &&
    typeof view.due_on === 'string' &&
    !!view.recipient_organisation &&
    !!view.from_organisation
  );
}

function failed(pages: number, code: string, detail: string, at: number): PullOutcome {
  return { result: 'failed', pages, problem: { status: null, code, detail, at: nowIso(at) } };
}
