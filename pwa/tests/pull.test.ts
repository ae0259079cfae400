/** Pulling: pages until `more` is false, removals that keep unsent work, the cursor with its data. */
import { describe, expect, it } from 'vitest';
import type { CaseDetail, ChangesPage } from '../src/db/types';
import { createDraft } from '../src/sync/drafts';
import { pull } from '../src/sync/pull';
import { queueCaseEdit } from '../src/sync/records';
import { FakeServer } from './fake-server';
import {
  CASE_ID,
  OTHER_CASE_ID,
  fakeAuth,
  freshDb,
  makeOutbox,
  outboxSummary,
  queuedVisit,
} from './helpers';

function caseDetail(id: string, version = 1): CaseDetail {
  return {
    id,
    version,
    address: { street: 'Dorpsstraat', house_number: '1', postcode: '1234 AB', city: 'Utrecht' },
    process_step: 'signal_received',
    assigned_to_me: true,
    updated_at: '2026-11-24T09:00:00Z',
  };
}

function page(cursor: string, more: boolean, parts: Partial<ChangesPage> = {}): ChangesPage {
  return { cursor, more, cases: [], removed_case_ids: [], visits: [], forms: [], ...parts };
}

const FORM = {
  key: 'keukentafelgesprek',
  version: 1,
  title: { nl: 'Keukentafelgesprek', en: 'Kitchen-table conversation' },
  sha256: 'a'.repeat(64),
  latest: true,
};

function setup() {
  const db = freshDb();
  const server = new FakeServer();
  const auth = fakeAuth(server);
  const { api } = makeOutbox(db, server, { auth });
  let revoked = 0;
  const run = () => pull({ db, api, onRevoked: () => void revoked++ });
  return { db, server, auth, api, run, revoked: () => revoked };
}

describe('pull', () => {
  it('follows `more`, stores cases and forms, fetches each definition once and keeps the cursor', async () => {
    const { db, server, run } = setup();
    server.pages.set('', page('c1.5', true, { cases: [caseDetail(CASE_ID)], forms: [FORM] }));
    server.pages.set('c1.5', page('c1.9', false, { cases: [caseDetail(OTHER_CASE_ID)] }));

    expect(await run()).toEqual({ result: 'done', pages: 2 });

    expect(server.requests.map((r) => `${r.path}?${r.query}`)).toEqual([
      '/api/sync/changes?',
      '/api/sync/changes?since=c1.5',
      '/api/forms/keukentafelgesprek/1?',
    ]);
    expect((await db.cases.toArray()).map((c) => c.id).sort()).toEqual(
      [CASE_ID, OTHER_CASE_ID].sort(),
    );
    expect((await db.meta.get('cursor'))?.value).toBe('c1.9');
    const form = (await db.forms.get(['keukentafelgesprek', 1]))!;
    expect(form.definition).toEqual({ key: 'keukentafelgesprek', version: 1 });

    // Nothing new: the same cursor again, and the known definition is not fetched again.
    server.requests.length = 0;
    server.pages.set('c1.9', page('c1.9', false, { forms: [FORM] }));
    expect(await run()).toEqual({ result: 'done', pages: 1 });
    expect(server.requests.map((r) => r.path)).toEqual(['/api/sync/changes']);
    expect((await db.forms.get(['keukentafelgesprek', 1]))!.definition).not.toBeNull();
  });

  it('forgets a removed case but keeps and flags the work still unsent for it', async () => {
    const { db, server, run } = setup();
    await db.cases.bulkPut([
      { ...caseDetail(CASE_ID), pulled_at: 'x' },
      { ...caseDetail(OTHER_CASE_ID), pulled_at: 'x' },
    ]);
    // One visit fully sent, then a draft, a queued visit and a set-aside one: all for CASE_ID.
    const sent = await queuedVisit(db, { files: 1 });
    const { outbox } = makeOutbox(db, server);
    await outbox.flush();
    const draft = await createDraft(db, {
      case_id: CASE_ID,
      form_key: 'keukentafelgesprek',
      form_version: 1,
    });
    const refused = await queuedVisit(db, { files: 1, formKey: 'withdrawn_form' });
    await outbox.flush();
    const queued = await queuedVisit(db, { files: 2 });
    const edit = await queueCaseEdit(db, CASE_ID, { base_version: 1, step_note: 'offline edit' });
    const other = await queuedVisit(db, { caseId: OTHER_CASE_ID, files: 0 });
    const outboxBefore = await outboxSummary(db);

    server.pages.set('', page('c1.2', false, { removed_case_ids: [CASE_ID] }));
    expect((await run()).result).toBe('done');

    expect(await db.cases.get(CASE_ID)).toBeUndefined();
    expect(await db.cases.get(OTHER_CASE_ID)).toBeDefined();
    // The server has all of the sent visit: the device forgets it and its files.
    expect(await db.visits.get(sent.id)).toBeUndefined();
    expect(await db.attachments.where('visit_id').equals(sent.id).count()).toBe(0);
    // Everything unsent is still there, untouched in the outbox, and flagged.
    expect(await outboxSummary(db)).toEqual(outboxBefore);
    expect(outboxBefore).toContain(`pending:case:${CASE_ID}`);
    expect(edit).toBeGreaterThan(0);
    expect((await db.drafts.get(draft.id))!.case_removed_at).toBeDefined();
    for (const id of [refused.id, queued.id]) {
      expect((await db.visits.get(id))!.case_removed_at).toBeDefined();
    }
    expect(await db.attachments.where('visit_id').equals(queued.id).count()).toBe(2);
    expect(await db.attachments.where('visit_id').equals(refused.id).count()).toBe(1);
    expect((await db.visits.get(other.id))!.case_removed_at).toBeUndefined();

    // Once the queued visit is acknowledged, the device forgets it too.
    await outbox.flush();
    expect(await db.visits.get(queued.id)).toBeUndefined();
    expect(await db.visits.get(refused.id)).toBeDefined(); // set aside: still the worker's to handle
  });

  it("stores the server's state and the supervisor's comment on our own visit", async () => {
    const { db, server, run } = setup();
    const visit = await queuedVisit(db, { files: 1 });
    const { outbox } = makeOutbox(db, server);
    await outbox.flush();
    expect((await db.visits.get(visit.id))!.review_comment).toBeUndefined();

    const summary = {
      id: visit.id,
      case_id: CASE_ID,
      form_key: 'keukentafelgesprek',
      form_version: 1,
      visited_on: '2026-11-24',
      missing_attachments: [],
      replaces: null,
      address: 'Dorpsstraat 1',
    };
    server.pages.set(
      '',
      page('c1.1', false, {
        visits: [
          { ...summary, state: 'returned', review_comment: 'De handtekening van de huurder ontbreekt.' },
          // Not one of ours: nothing is made up for it.
          { ...summary, id: OTHER_CASE_ID, state: 'approved', review_comment: 'Goed' },
        ],
      }),
    );
    expect((await run()).result).toBe('done');
    const row = (await db.visits.get(visit.id))!;
    expect(row.server_state).toBe('returned');
    expect(row.review_comment).toBe('De handtekening van de huurder ontbreekt.');
    expect(await db.visits.get(OTHER_CASE_ID)).toBeUndefined();

    // A summary without the field (from a server before reviews) leaves the comment alone.
    server.pages.set('c1.1', page('c1.2', false, { visits: [{ ...summary, state: 'replaced' }] }));
    expect((await run()).result).toBe('done');
    const later = (await db.visits.get(visit.id))!;
    expect(later.server_state).toBe('replaced');
    expect(later.review_comment).toBe('De handtekening van de huurder ontbreekt.');
  });

  it('stores the cursor only together with the data of its page', async () => {
    const { db, server, run } = setup();
    server.pages.set('', page('c1.1', true, { cases: [caseDetail(CASE_ID)] }));
    server.pages.set(
      'c1.1',
      page('c1.2', false, { cases: [caseDetail(OTHER_CASE_ID)], forms: [FORM] }),
    );

    // The connection drops before the second page arrives.
    server.script(
      'GET',
      /^\/api\/sync\/changes$/,
      { kind: 'network' },
      1,
      (r) => r.query.get('since') === 'c1.1',
    );
    expect((await run()).result).toBe('failed');
    expect((await db.meta.get('cursor'))?.value).toBe('c1.1');
    expect((await db.cases.toArray()).map((c) => c.id)).toEqual([CASE_ID]);

    // The device fails while storing the second page: neither its data nor its cursor stay.
    const failing = () => {
      throw new Error('quota exceeded');
    };
    db.forms.hook('creating', failing);
    expect(await run()).toMatchObject({ result: 'failed', problem: { code: 'device_error' } });
    expect((await db.meta.get('cursor'))?.value).toBe('c1.1');
    expect(await db.cases.get(OTHER_CASE_ID)).toBeUndefined();

    // The next pull asks again from the last page it really stored.
    db.forms.hook('creating').unsubscribe(failing);
    server.requests.length = 0;
    expect((await run()).result).toBe('done');
    expect(server.requests[0].query.get('since')).toBe('c1.1');
    expect((await db.meta.get('cursor'))?.value).toBe('c1.2');
    expect(await db.cases.get(OTHER_CASE_ID)).toBeDefined();
  });

  it('refreshes an expired token during a pull', async () => {
    const { db, server, auth, run } = setup();
    server.pages.set('', page('c1.1', false, { cases: [caseDetail(CASE_ID)] }));
    server.expireToken();
    expect((await run()).result).toBe('done');
    expect(auth.refresh).toHaveBeenCalledTimes(1);
    expect(await db.cases.get(CASE_ID)).toBeDefined();
  });

  it('calls the wipe callback when the device was revoked', async () => {
    const { server, run, revoked } = setup();
    server.revokeDevice();
    expect((await run()).result).toBe('revoked');
    expect(revoked()).toBe(1);
  });

  it('fetches a case again after its edit came back as a conflict', async () => {
    const { db, server, run } = setup();
    server.cases.set(CASE_ID, {
      version: 5,
      detail: { ...caseDetail(CASE_ID, 5), process_step: 'visit_planned' },
    });
    await db.cases.put({ ...caseDetail(CASE_ID, 4), pulled_at: 'x' });
    await queueCaseEdit(db, CASE_ID, { base_version: 4, step_note: 'stale' });
    const { outbox } = makeOutbox(db, server);
    await outbox.flush();
    expect((await db.meta.get('cases_to_refresh'))?.value).toEqual([CASE_ID]);

    expect((await run()).result).toBe('done');
    expect((await db.cases.get(CASE_ID))!.version).toBe(5);
    expect((await db.meta.get('cases_to_refresh'))?.value).toEqual([]);
  });
});
