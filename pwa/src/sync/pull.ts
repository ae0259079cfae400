/**
 * Pulling what changed on the server: cases, forms and the state of our visits, page by page.
 *
 * The cursor is written in the same transaction as its page's data: after a crash or a lost
 * connection the device asks again from the last page it really stored, and since the same
 * cursor gives the same answer, nothing is skipped and nothing is stored twice.
 */
import type { KeukentafelDb } from '../db/database';
import { getMeta, setMeta } from '../db/meta';
import type { CaseDetail, ChangesPage, FormRow, RecordProblem } from '../db/types';
import type { Api, RefreshOutcome } from './http';
import { problemOf } from './http';
import { nowIso } from './time';

export type PullOutcome =
  | { result: 'done'; pages: number }
  | { result: 'failed'; pages: number; problem: RecordProblem }
  | { result: 'sign_in'; pages: number; problem: RecordProblem }
  | { result: 'revoked'; pages: number };

export interface PullOptions {
  db: KeukentafelDb;
  api: Api;
  onRevoked: () => void | Promise<void>;
  /** Guards against a server that keeps saying `more`; the next pull goes on from there. */
  maxPages?: number;
  now?: () => number;
}

type Got =
  { ok: true; json: unknown } | { ok: false; outcome: Exclude<PullOutcome, { result: 'done' }> };

export async function pull(options: PullOptions): Promise<PullOutcome> {
  const now = options.now ?? Date.now;
  const progress = { pages: 0 };
  try {
    return await pullPages(options, now, progress);
  } catch (error) {
    // IndexedDB refused (quota, a closed database): the page's transaction rolled back whole.
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      result: 'failed',
      pages: progress.pages,
      problem: problem(null, 'device_error', detail, now()),
    };
  }
}

async function pullPages(
  options: PullOptions,
  now: () => number,
  progress: { pages: number },
): Promise<PullOutcome> {
  const { db } = options;
  let pages = 0;
  while (pages < (options.maxPages ?? 50)) {
    const cursor = await getMeta(db, 'cursor');
    const path = `/api/sync/changes${cursor ? `?since=${encodeURIComponent(cursor)}` : ''}`;
    const got = await getJson(options, path, pages, now);
    if (!got.ok) return got.outcome;
    const page = got.json as ChangesPage;
    if (!page || typeof page.cursor !== 'string') {
      return {
        result: 'failed',
        pages,
        problem: problem(null, 'bad_page', 'The server sent no cursor.', now()),
      };
    }
    await storePage(db, page, nowIso(now()));
    pages++;
    progress.pages = pages;
    // The same cursor again would ask for the same page forever.
    if (!page.more || page.cursor === cursor) break;
  }
  const forms = await fetchMissingForms(options, pages, now);
  if (forms) return forms;
  const cases = await refreshConflictedCases(options, pages, now);
  if (cases) return cases;
  return { result: 'done', pages };
}

/** One page, all or nothing, cursor last. */
export async function storePage(db: KeukentafelDb, page: ChangesPage, at: string): Promise<void> {
  await db.transaction(
    'rw',
    [db.cases, db.drafts, db.visits, db.attachments, db.outbox, db.forms, db.meta],
    async () => {
      if (page.cases?.length) {
        await db.cases.bulkPut(page.cases.map((c: CaseDetail) => ({ ...c, pulled_at: at })));
        await unflagReturnedCases(db, new Set(page.cases.map((c) => c.id)));
      }
      for (const caseId of page.removed_case_ids ?? []) await forgetCase(db, caseId, at);
      for (const form of page.forms ?? []) {
        const known = await db.forms.get([form.key, form.version]);
        const same = known?.sha256 === form.sha256;
        const row: FormRow = {
          ...form,
          definition: same ? known.definition : null,
          fetched_at: same ? known.fetched_at : null,
        };
        await db.forms.put(row);
      }
      for (const summary of page.visits ?? []) {
        // Only our own visits are kept here; the state tells the worker "returned", "approved",
        // and the comment what to correct. A server that does not send the field keeps ours.
        await db.visits.update(summary.id, {
          server_state: summary.state,
          ...(summary.review_comment !== undefined
            ? { review_comment: summary.review_comment }
            : {}),
        });
      }
      // Follow-ups go here once the server's pages carry them; until then followups.ts
      // fetches them in a step after the pull.
      await setMeta(db, 'cursor', page.cursor);
    },
  );
}

/**
 * The user may no longer hold this case. The cached case goes, and so do visits the server
 * already has in full. Work not yet acknowledged stays (drafts, queued and set-aside visits,
 * outbox rows), flagged so the screens can say why the case is missing.
 */
async function forgetCase(db: KeukentafelDb, caseId: string, at: string): Promise<void> {
  await db.cases.delete(caseId);
  await db.drafts
    .where('case_id')
    .equals(caseId)
    .modify((draft) => {
      draft.case_removed_at ??= at;
    });
  for (const visit of await db.visits.where('case_id').equals(caseId).toArray()) {
    const waiting = await db.outbox.where('visit_id').equals(visit.id).count();
    if (visit.status === 'sent' && waiting === 0) {
      await db.attachments.where('visit_id').equals(visit.id).delete();
      await db.visits.delete(visit.id);
    } else if (!visit.case_removed_at) {
      await db.visits.update(visit.id, { case_removed_at: at });
    }
  }
  const refresh = (await getMeta(db, 'cases_to_refresh')) ?? [];
  if (refresh.includes(caseId)) {
    await setMeta(
      db,
      'cases_to_refresh',
      refresh.filter((id) => id !== caseId),
    );
  }
}

/** A case that was removed and is ours again (re-assigned): its kept work is no longer odd. */
async function unflagReturnedCases(db: KeukentafelDb, ids: Set<string>): Promise<void> {
  const back = (row: { case_id: string; case_removed_at?: string }) =>
    row.case_removed_at !== undefined && ids.has(row.case_id);
  await db.drafts.filter(back).modify((row) => {
    delete row.case_removed_at;
  });
  await db.visits.filter(back).modify((row) => {
    delete row.case_removed_at;
  });
}

/** A published form version never changes: fetch each definition once, keep it for good. */
async function fetchMissingForms(options: PullOptions, pages: number, now: () => number) {
  const missing = await options.db.forms.filter((form) => form.definition === null).toArray();
  for (const form of missing) {
    const got = await getJson(
      options,
      `/api/forms/${encodeURIComponent(form.key)}/${form.version}`,
      pages,
      now,
    );
    if (!got.ok) return got.outcome;
    await options.db.forms.update([form.key, form.version], {
      definition: got.json,
      fetched_at: nowIso(now()),
    });
  }
  return null;
}

/** After a case_conflict our cached case may be stale and no pull would resend it. */
async function refreshConflictedCases(options: PullOptions, pages: number, now: () => number) {
  const { db } = options;
  const ids = (await getMeta(db, 'cases_to_refresh')) ?? [];
  for (const id of ids) {
    const got = await getJson(options, `/api/cases/${encodeURIComponent(id)}`, pages, now, true);
    if (!got.ok) return got.outcome;
    await db.transaction('rw', db.cases, db.meta, async () => {
      const list = (await getMeta(db, 'cases_to_refresh')) ?? [];
      // 404/403 answer null: the case is not ours any more; the pull's removals handle that.
      if (got.json) await db.cases.put({ ...(got.json as CaseDetail), pulled_at: nowIso(now()) });
      await setMeta(
        db,
        'cases_to_refresh',
        list.filter((other) => other !== id),
      );
    });
  }
  return null;
}

/**
 * GET with one token refresh; `goneIsNull` turns 403/404 into a null body. Shared with the
 * follow-up step (followups.ts), which fetches beside the pull until the pull carries them.
 */
export async function getJson(
  options: PullOptions,
  path: string,
  pages: number,
  now: () => number,
  goneIsNull = false,
): Promise<Got> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const answer = await options.api.send({ method: 'GET', path });
    if (answer.kind === 'no_token') {
      return {
        ok: false,
        outcome: {
          result: 'sign_in',
          pages,
          problem: problem(401, 'not_signed_in', 'Nobody is signed in.', now()),
        },
      };
    }
    if (answer.kind === 'network') {
      return {
        ok: false,
        outcome: {
          result: 'failed',
          pages,
          problem: problem(null, 'network_error', answer.error, now()),
        },
      };
    }
    if (answer.status >= 200 && answer.status < 300) return { ok: true, json: answer.json };
    if (goneIsNull && (answer.status === 403 || answer.status === 404))
      return { ok: true, json: null };
    const p = problemOf(answer.json);
    const code = typeof p.code === 'string' ? p.code : `http_${answer.status}`;
    if (answer.status === 401 && code === 'token_expired' && attempt === 0) {
      let outcome: RefreshOutcome;
      try {
        outcome = await options.api.refresh();
      } catch (error) {
        return {
          ok: false,
          outcome: {
            result: 'failed',
            pages,
            problem: problem(null, 'network_error', String(error), now()),
          },
        };
      }
      if (outcome === 'refreshed') continue;
      if (outcome === 'device_revoked') return revoked(options, pages);
      return {
        ok: false,
        outcome: {
          result: 'sign_in',
          pages,
          problem: problem(401, 'session_ended', 'Sign in again.', now()),
        },
      };
    }
    if (answer.status === 401 && code === 'device_revoked') return revoked(options, pages);
    const detail = typeof p.detail === 'string' ? p.detail : `HTTP ${answer.status}`;
    if (answer.status === 401) {
      return {
        ok: false,
        outcome: { result: 'sign_in', pages, problem: problem(401, code, detail, now()) },
      };
    }
    return {
      ok: false,
      outcome: { result: 'failed', pages, problem: problem(answer.status, code, detail, now()) },
    };
  }
  return {
    ok: false,
    outcome: {
      result: 'failed',
      pages,
      problem: problem(401, 'token_expired', 'Refused after a refresh.', now()),
    },
  };
}

async function revoked(options: PullOptions, pages: number): Promise<Got> {
  await options.onRevoked();
  return { ok: false, outcome: { result: 'revoked', pages } };
}

function problem(status: number | null, code: string, detail: string, at: number): RecordProblem {
  return { status, code, detail, at: nowIso(at) };
}
