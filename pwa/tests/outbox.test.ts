/** The flusher against a strict fake server: order, acknowledgement, setting aside, retrying. */
import { describe, expect, it } from 'vitest';
import type { CaseRow } from '../src/db/types';
import { canonicalJson } from '../src/sync/canonical';
import { queueAction, queueCaseEdit } from '../src/sync/records';
import { FakeServer } from './fake-server';
import { CASE_ID, fakeAuth, freshDb, makeOutbox, outboxSummary, queuedVisit } from './helpers';

const VISIT_PUT = /^\/api\/visits\/[^/]+$/;
const FILE_PUT = /\/attachments\//;

function paths(server: FakeServer) {
  return server.requests.map((r) => `${r.method} ${r.path}`);
}

/** Send a body straight to the server, as if an earlier attempt from this device got through. */
async function alreadyOnServer(
  server: FakeServer,
  path: string,
  body: string | Blob,
  contentType: string,
) {
  const response = await server.fetch(path, {
    method: 'PUT',
    body,
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': contentType },
  });
  expect(response.status).toBe(201);
  server.requests.length = 0;
}

describe('Outbox.flush', () => {
  it('sends records in the order they were written and marks them sent', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const first = await queuedVisit(db, { files: 2 });
    await queueCaseEdit(db, CASE_ID, { base_version: null, step_note: 'eerste contact' });
    const second = await queuedVisit(db, { files: 1 });
    await queueAction(db, { method: 'POST', path: '/api/notifications/n1/read' });
    const { outbox } = makeOutbox(db, server);

    const report = await outbox.flush();

    expect(report).toEqual({ outcome: { result: 'done' }, acknowledged: 7, setAside: 0 });
    expect(paths(server)).toEqual([
      `PUT /api/visits/${first.id}`,
      `PUT /api/visits/${first.id}/attachments/sig-0.png`,
      `PUT /api/visits/${first.id}/attachments/sig-1.png`,
      `PUT /api/cases/${CASE_ID}`,
      `PUT /api/visits/${second.id}`,
      `PUT /api/visits/${second.id}/attachments/sig-0.png`,
      'POST /api/notifications/n1/read',
    ]);
    // What went over the wire is the canonical text of the stored body, byte for byte.
    const sent = server.requestsTo('PUT', VISIT_PUT);
    expect(sent.every((r) => r.canonical)).toBe(true);
    expect(sent[0].text).toBe(canonicalJson(first.body));
    expect(await db.outbox.count()).toBe(0);
    const visit = (await db.visits.get(first.id))!;
    expect(visit.status).toBe('sent');
    expect(visit.receipt?.outcome).toBe('created');
    expect(visit.receipt?.visit.state).toBe('awaiting_attachments');
    // The last attachment's receipt said "complete".
    expect(visit.server_state).toBe('submitted');
    expect(
      (await db.attachments.where('visit_id').equals(first.id).toArray()).every((a) => a.sent_at),
    ).toBe(true);
    expect(server.visits.get(first.id)!.received.size).toBe(2);
  });

  it('sets a refused record aside without blocking the records after it', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const refused = await queuedVisit(db, { files: 2, formKey: 'nonexistent_form' });
    const fine = await queuedVisit(db, { files: 1 });
    const { outbox } = makeOutbox(db, server);

    const report = await outbox.flush();

    expect(report.outcome).toEqual({ result: 'done' });
    expect(report).toMatchObject({ acknowledged: 2, setAside: 3 });
    expect(paths(server)).toEqual([
      `PUT /api/visits/${refused.id}`,
      `PUT /api/visits/${fine.id}`,
      `PUT /api/visits/${fine.id}/attachments/sig-0.png`,
    ]);
    expect(await outboxSummary(db)).toEqual([
      `set_aside:visit:${refused.id}`,
      `set_aside:attachment:${refused.id}/sig-0.png`,
      `set_aside:attachment:${refused.id}/sig-1.png`,
    ]);
    const rows = await db.outbox.orderBy('seq').toArray();
    expect(rows[0].last_error).toMatchObject({ status: 422, code: 'unknown_form' });
    expect(rows[1].last_error).toMatchObject({ status: null, code: 'visit_set_aside' });
    const kept = (await db.visits.get(refused.id))!;
    expect(kept.status).toBe('set_aside');
    expect(kept.problem?.code).toBe('unknown_form');
    expect(await db.attachments.where('visit_id').equals(refused.id).count()).toBe(2);
  });

  it('holds an attachment back until its visit is acknowledged', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const visit = await queuedVisit(db, { files: 1 });
    server.script('PUT', VISIT_PUT, { kind: 'answer', status: 503 });
    const { outbox } = makeOutbox(db, server);

    const first = await outbox.flush();
    expect(first.outcome.result).toBe('waiting');
    expect(paths(server)).toEqual([`PUT /api/visits/${visit.id}`]);
    expect(await outboxSummary(db)).toEqual([
      `pending:visit:${visit.id}`,
      `pending:attachment:${visit.id}/sig-0.png`,
    ]);

    const second = await outbox.flush({ force: true });
    expect(second.outcome).toEqual({ result: 'done' });
    expect(paths(server).slice(1)).toEqual([
      `PUT /api/visits/${visit.id}`,
      `PUT /api/visits/${visit.id}/attachments/sig-0.png`,
    ]);
  });

  it('takes a 200 duplicate as the acknowledgement it is', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const visit = await queuedVisit(db, { files: 0 });
    await alreadyOnServer(
      server,
      `/api/visits/${visit.id}`,
      canonicalJson(visit.body),
      'application/json',
    );
    const { outbox } = makeOutbox(db, server);

    expect((await outbox.flush()).outcome).toEqual({ result: 'done' });
    expect(await db.outbox.count()).toBe(0);
    const sent = (await db.visits.get(visit.id))!;
    expect(sent.status).toBe('sent');
    expect(sent.receipt?.outcome).toBe('duplicate');
    expect(server.visits.size).toBe(1);
  });

  it('takes a 409 case_conflict as an acknowledgement and refreshes the case later', async () => {
    const db = freshDb();
    const server = new FakeServer();
    server.cases.set(CASE_ID, { version: 4, detail: { id: CASE_ID, version: 4 } });
    await queueCaseEdit(db, CASE_ID, { base_version: 3, step_note: 'stale' });
    const later = await queuedVisit(db, { files: 0 });
    const { outbox } = makeOutbox(db, server);

    const report = await outbox.flush();

    expect(report).toEqual({ outcome: { result: 'done' }, acknowledged: 2, setAside: 0 });
    expect(server.conflicts).toHaveLength(1);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.meta.get('cases_to_refresh'))?.value).toEqual([CASE_ID]);
    expect((await db.visits.get(later.id))!.status).toBe('sent');
  });

  it('keeps the case the server answers to an acknowledged edit, with its new version', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const cached = { id: CASE_ID, version: 3, process_step: 'visit_planned', pulled_at: 'x' };
    server.cases.set(CASE_ID, { version: 3, detail: { id: CASE_ID, version: 3 } });
    await db.cases.put(cached as unknown as CaseRow);
    await queueCaseEdit(db, CASE_ID, { base_version: 3, step_note: 'na bezoek' });
    const { outbox } = makeOutbox(db, server);

    await outbox.flush();

    expect(await db.cases.get(CASE_ID)).toMatchObject({ version: 4, step_note: 'na bezoek' });
  });

  it('sets aside a visit whose id holds another body on the server (409 visit_conflict)', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const visit = await queuedVisit(db, { files: 1 });
    const other = { ...visit.body, answers: { household_size: 9 } };
    await alreadyOnServer(
      server,
      `/api/visits/${visit.id}`,
      canonicalJson(other),
      'application/json',
    );
    const { outbox } = makeOutbox(db, server);

    const report = await outbox.flush();

    expect(report).toMatchObject({ acknowledged: 0, setAside: 2 });
    expect(paths(server)).toEqual([`PUT /api/visits/${visit.id}`]);
    const row = await db.outbox.where('[kind+record_id]').equals(['visit', visit.id]).first();
    expect(row?.last_error).toMatchObject({ status: 409, code: 'visit_conflict' });
    expect(server.visits.get(visit.id)!.body.answers).toEqual({ household_size: 9 });
  });

  it('sets aside an attachment whose bytes are not the declared ones (409 attachment_conflict)', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const visit = await queuedVisit(db, { files: 2 });
    // The stored photo got damaged after finalizing: it no longer matches its declaration.
    await db.attachments.update([visit.id, 'sig-0.png'], { blob: new Blob([new Uint8Array(64)]) });
    const { outbox } = makeOutbox(db, server);

    const report = await outbox.flush();

    expect(report).toMatchObject({ acknowledged: 2, setAside: 1 });
    expect(await outboxSummary(db)).toEqual([`set_aside:attachment:${visit.id}/sig-0.png`]);
    const row = (await db.outbox.toArray())[0];
    expect(row.last_error).toMatchObject({ status: 409, code: 'attachment_conflict' });
    expect((await db.visits.get(visit.id))!.status).toBe('sent');
  });

  it('retries a record whose answer was lost and takes the duplicate as its acknowledgement', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const visit = await queuedVisit(db, { files: 1 });
    server.script('PUT', VISIT_PUT, { kind: 'lose_response' });
    const { outbox } = makeOutbox(db, server);

    const lost = await outbox.flush();
    expect(lost.outcome).toMatchObject({ result: 'waiting', problem: { code: 'network_error' } });
    expect(server.visits.size).toBe(1); // the server did commit
    expect((await db.visits.get(visit.id))!.status).toBe('queued');
    expect((await db.outbox.toArray()).map((r) => r.attempts)).toEqual([1, 0]);

    const retried = await outbox.flush({ force: true });
    expect(retried.outcome).toEqual({ result: 'done' });
    expect(server.requestsTo('PUT', VISIT_PUT)).toHaveLength(2);
    expect(server.visits.size).toBe(1);
    expect((await db.visits.get(visit.id))!.receipt?.outcome).toBe('duplicate');
    expect(server.visits.get(visit.id)!.received).toEqual(new Set(['sig-0.png']));
    expect(await db.outbox.count()).toBe(0);
  });

  it('does not upload again what the receipt says the server already has', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const visit = await queuedVisit(db, { files: 2 });
    await alreadyOnServer(
      server,
      `/api/visits/${visit.id}`,
      canonicalJson(visit.body),
      'application/json',
    );
    const file = (await db.attachments.get([visit.id, 'sig-0.png']))!;
    await alreadyOnServer(
      server,
      `/api/visits/${visit.id}/attachments/sig-0.png`,
      file.blob,
      'image/png',
    );
    const { outbox } = makeOutbox(db, server);

    await outbox.flush();

    expect(paths(server)).toEqual([
      `PUT /api/visits/${visit.id}`,
      `PUT /api/visits/${visit.id}/attachments/sig-1.png`,
    ]);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.attachments.get([visit.id, 'sig-0.png']))!.sent_at).not.toBeNull();
  });

  it('sends each record once when flush is called again while it runs', async () => {
    const db = freshDb();
    const server = new FakeServer();
    for (let i = 0; i < 4; i++) await queuedVisit(db, { files: 2 });
    const { outbox } = makeOutbox(db, server);

    const calls = [outbox.flush(), outbox.flush(), outbox.flush({ force: true })];
    expect(outbox.flushing).toBe(true);
    const reports = await Promise.all(calls);

    expect(reports[1]).toBe(reports[0]);
    expect(reports[2]).toBe(reports[0]);
    expect(server.requests).toHaveLength(12);
    expect(new Set(paths(server)).size).toBe(12);
    expect(await db.outbox.count()).toBe(0);
  });

  it('refreshes an expired token once and sends the record again with the new one', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const visit = await queuedVisit(db, { files: 0 });
    const auth = fakeAuth(server);
    server.expireToken();
    const { outbox } = makeOutbox(db, server, { auth });

    const report = await outbox.flush();

    expect(report.outcome).toEqual({ result: 'done' });
    expect(auth.refresh).toHaveBeenCalledTimes(1);
    expect(server.requests.map((r) => [r.path, r.token])).toEqual([
      [`/api/visits/${visit.id}`, 'token-1'],
      [`/api/visits/${visit.id}`, 'token-2'],
    ]);
    // A refresh is not a failed attempt.
    expect((await db.visits.get(visit.id))!.status).toBe('sent');
  });

  it('calls the wipe callback when the device was revoked and sends nothing more', async () => {
    const db = freshDb();
    const server = new FakeServer();
    await queuedVisit(db, { files: 1 });
    server.revokeDevice();
    let wiped = 0;
    const { outbox } = makeOutbox(db, server, { onRevoked: () => void wiped++ });

    expect((await outbox.flush()).outcome).toEqual({ result: 'revoked' });
    expect(wiped).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('stops and keeps everything when the server wants a new sign-in', async () => {
    const db = freshDb();
    const server = new FakeServer();
    await queuedVisit(db, { files: 1 });
    server.endSession();
    const { outbox } = makeOutbox(db, server);

    const report = await outbox.flush();

    expect(report.outcome).toMatchObject({ result: 'sign_in', problem: { code: 'session_ended' } });
    expect(server.requests).toHaveLength(1);
    const rows = await db.outbox.toArray();
    expect(rows.map((r) => [r.state, r.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
    ]);
  });

  it('deletes nothing while the server fails', async () => {
    const db = freshDb();
    const server = new FakeServer();
    await queuedVisit(db, { files: 1 });
    server.script('PUT', VISIT_PUT, { kind: 'answer', status: 500 }, 5);
    const { outbox } = makeOutbox(db, server);

    for (let i = 0; i < 5; i++) await outbox.flush({ force: true });

    expect(server.requestsTo('PUT', FILE_PUT)).toHaveLength(0);
    const rows = await db.outbox.orderBy('seq').toArray();
    expect(rows.map((r) => [r.kind, r.state, r.attempts])).toEqual([
      ['visit', 'pending', 5],
      ['attachment', 'pending', 0],
    ]);
    expect(await db.attachments.count()).toBe(1);
  });
});
