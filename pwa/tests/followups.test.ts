/**
 * Follow-ups through the outbox: actions made offline, a lost answer, a colleague who was
 * first, a refusal that must not block the rest, follow-ups made on the tablet, and the step
 * after the pull that keeps the local lists.
 */
import { describe, expect, it } from 'vitest';
import type { KeukentafelDb } from '../src/db/database';
import type { FollowupWrite } from '../src/db/types';
import { refreshFollowups, storeFollowups } from '../src/sync/followups';
import { followupOutboxRow, queueFollowupAction } from '../src/sync/records';
import { withPending } from '../src/app/followups/model';
import { COLLEAGUE, DEBT_ORG, ME } from './fake-followups';
import { FakeServer } from './fake-server';
import { freshDb, makeOutbox } from './helpers';

const CLAIM = /^\/api\/followups\/[^/]+\/claim$/;

async function setUp(...ids: string[]) {
  const db = freshDb();
  const server = new FakeServer();
  for (const id of ids) server.followups.received(id);
  const { outbox, api } = makeOutbox(db, server);
  // The local lists, as the sync step after the pull fills them.
  await refreshFollowups({ db, api, onRevoked: () => undefined });
  server.requests.length = 0;
  return { db, server, outbox, api };
}

async function shown(db: KeukentafelDb, id: string) {
  const row = (await db.followups.get(id))!;
  return withPending(row, await db.outbox.toArray(), ME);
}

describe('follow-up actions in the outbox', () => {
  it('shows a claim made offline at once, waiting to be sent, and sends it when the network is back', async () => {
    const { db, server, outbox } = await setUp('f-1');
    server.script('POST', CLAIM, { kind: 'network' });

    const actionId = await queueFollowupAction(db, 'f-1', 'claim', '');
    expect(await shown(db, 'f-1')).toMatchObject({ state: 'claimed', claimed_by: ME, waiting: true });
    expect((await db.followups.get('f-1'))!.state).toBe('open'); // the server's word is kept apart

    const offline = await outbox.flush();
    expect(offline.outcome).toMatchObject({ result: 'waiting', problem: { code: 'network_error' } });
    expect(await db.outbox.count()).toBe(1);
    expect(server.followups.followups.get('f-1')!.state).toBe('open');

    const online = await outbox.flush({ force: true });
    expect(online).toMatchObject({ outcome: { result: 'done' }, acknowledged: 1, setAside: 0 });
    expect(await db.outbox.count()).toBe(0);
    expect(await shown(db, 'f-1')).toMatchObject({ state: 'claimed', claimed_by: ME, waiting: false });
    expect(server.followups.actions.get(actionId)).toEqual({ followup: 'f-1', action: 'claim', actor: ME.id });
  });

  it('resends an action whose answer was lost with the same action id, and the server answers it once', async () => {
    const { db, server, outbox } = await setUp('f-1');
    server.script('POST', CLAIM, { kind: 'lose_response' });
    await queueFollowupAction(db, 'f-1', 'claim', '');

    expect((await outbox.flush()).outcome).toMatchObject({ result: 'waiting' });
    expect(server.followups.followups.get('f-1')!.state).toBe('claimed'); // it did arrive
    expect(await db.outbox.count()).toBe(1); // but the device never heard so

    expect((await outbox.flush({ force: true })).outcome).toEqual({ result: 'done' });
    const sent = server.requestsTo('POST', CLAIM);
    expect(sent).toHaveLength(2);
    expect(sent[1].text).toBe(sent[0].text);
    expect(server.followups.actions.size).toBe(1);
    expect(await shown(db, 'f-1')).toMatchObject({ state: 'claimed', claimed_by: ME, waiting: false });
  });

  it('settles a claim a colleague won with a notice, refreshes, and goes on with the rest', async () => {
    const { db, server, outbox, api } = await setUp('f-1', 'f-2');
    server.followups.claimBy('f-1', COLLEAGUE);
    await queueFollowupAction(db, 'f-1', 'claim', '');
    await queueFollowupAction(db, 'f-2', 'claim', '');

    const report = await outbox.flush();
    expect(report).toMatchObject({ outcome: { result: 'done' }, acknowledged: 2, setAside: 0 });
    expect(await db.outbox.count()).toBe(0); // nothing set aside: a claim holds no work
    expect(await shown(db, 'f-1')).toMatchObject({
      state: 'claimed',
      waiting: false,
      notice: { code: 'followup_already_claimed', state: 'claimed' },
    });
    expect(await shown(db, 'f-2')).toMatchObject({ state: 'claimed', claimed_by: ME });

    // The step after the pull brings who has it; the notice stays for the worker to read.
    await refreshFollowups({ db, api, onRevoked: () => undefined });
    expect(await shown(db, 'f-1')).toMatchObject({
      claimed_by: COLLEAGUE,
      notice: { code: 'followup_already_claimed' },
    });
  });

  it('sets a refused action aside with its reason and its text, and sends the next one', async () => {
    const { db, server, outbox } = await setUp('f-1', 'f-2');
    server.followups.followups.set('f-1', { ...server.followups.followups.get('f-1')!, state: 'done' });
    await queueFollowupAction(db, 'f-1', 'decline', 'Geen capaciteit deze maand');
    await queueFollowupAction(db, 'f-2', 'claim', '');

    const report = await outbox.flush();
    expect(report).toMatchObject({ outcome: { result: 'done' }, acknowledged: 1, setAside: 1 });
    const [kept] = await db.outbox.toArray();
    expect(kept).toMatchObject({
      state: 'set_aside',
      followup_id: 'f-1',
      body: { text: 'Geen capaciteit deze maand' },
      last_error: { status: 409, code: 'followup_wrong_state' },
    });
    expect(await shown(db, 'f-1')).toMatchObject({
      state: 'open', // as the server last said; the refused decline is not laid over it
      waiting: false,
      refused: [expect.objectContaining({ code: 'followup_wrong_state' })],
    });
    expect(server.followups.followups.get('f-2')!.state).toBe('claimed');
  });

  it('keeps an outcome set aside when its claim lost: only a claim is settled', async () => {
    const { db, server, outbox } = await setUp('f-1');
    server.followups.claimBy('f-1', COLLEAGUE);
    await queueFollowupAction(db, 'f-1', 'claim', '');
    await queueFollowupAction(db, 'f-1', 'complete', 'Afspraak gemaakt op 2 december');
    expect(await shown(db, 'f-1')).toMatchObject({ state: 'done', outcome: 'Afspraak gemaakt op 2 december' });

    await outbox.flush();
    const rows = await db.outbox.toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      followup_action: 'complete',
      state: 'set_aside',
      body: { text: 'Afspraak gemaakt op 2 december' },
      last_error: { code: 'forbidden' },
    });
  });
});

describe('follow-ups made on the tablet', () => {
  const body: FollowupWrite = {
    case_id: 'case-1',
    recipient_organisation_id: DEBT_ORG.id,
    need: 'Aanmelden bij schuldhulp',
    due_on: '2026-12-08',
    categories: ['contact_details', 'debts'],
    visit_id: 'visit-1',
    suggestion_code: 'schuldhulp',
  };

  it('is created once by its device-made id, also when the answer was lost', async () => {
    const { db, server, outbox } = await setUp();
    server.script('PUT', /^\/api\/followups\/f-new$/, { kind: 'lose_response' });
    await db.outbox.add(followupOutboxRow('f-new', body));

    expect((await outbox.flush()).outcome).toMatchObject({ result: 'waiting' });
    expect((await outbox.flush({ force: true })).outcome).toEqual({ result: 'done' });
    expect(server.followups.bodies.size).toBe(1);
    expect(await db.followups.get('f-new')).toMatchObject({
      scopes: ['sent'],
      state: 'open',
      recipient_organisation: DEBT_ORG,
      need: 'Aanmelden bij schuldhulp',
    });
    expect(server.requestsTo('PUT', /f-new/).every((r) => r.canonical)).toBe(true);
  });

  it('sets another body under a used id aside as a followup_conflict', async () => {
    const { db, server, outbox } = await setUp();
    await db.outbox.add(followupOutboxRow('f-new', body));
    await outbox.flush();
    await db.outbox.add(followupOutboxRow('f-new', { ...body, need: 'Iets anders' }));

    expect(await outbox.flush()).toMatchObject({ setAside: 1 });
    expect(await db.outbox.toArray()).toMatchObject([
      { kind: 'followup', state: 'set_aside', last_error: { code: 'followup_conflict' } },
    ]);
    expect(server.followups.followups.get('f-new')!.need).toBe('Aanmelden bij schuldhulp');
  });
});

describe('the follow-up step after the pull', () => {
  it('keeps both lists, and forgets what the server no longer lists unless something of ours waits for it', async () => {
    const { db, server, api } = await setUp('f-1', 'f-2', 'f-3');
    expect((await db.followups.toArray()).map((row) => [row.id, row.scopes])).toEqual([
      ['f-1', ['received']],
      ['f-2', ['received']],
      ['f-3', ['received']],
    ]);
    await queueFollowupAction(db, 'f-2', 'claim', '');
    server.followups.followups.delete('f-1');
    server.followups.followups.delete('f-2');

    expect(await refreshFollowups({ db, api, onRevoked: () => undefined })).toEqual({
      result: 'done',
      pages: 2,
    });
    expect(server.requests.map((r) => `${r.path}?${r.query}`)).toEqual([
      '/api/followups?scope=received&limit=200&offset=0',
      '/api/followups?scope=sent&limit=200&offset=0',
    ]);
    expect((await db.followups.toArray()).map((row) => [row.id, row.scopes])).toEqual([
      ['f-2', []],
      ['f-3', ['received']],
    ]);
  });

  it('forgets nothing from a list it could not fetch whole', async () => {
    const db = freshDb();
    await storeFollowups(db, 'received', [], true, '2026-11-25T09:00:00.000Z');
    const server = new FakeServer();
    server.followups.received('f-1');
    const { api } = makeOutbox(db, server);
    await refreshFollowups({ db, api, onRevoked: () => undefined });

    await storeFollowups(db, 'received', [], false, '2026-11-25T10:00:00.000Z');
    expect(await db.followups.count()).toBe(1);
    server.script('GET', /^\/api\/followups$/, { kind: 'answer', status: 503 });
    expect(await refreshFollowups({ db, api, onRevoked: () => undefined })).toMatchObject({
      result: 'failed',
      problem: { status: 503 },
    });
    expect(await db.followups.count()).toBe(1);
  });
});
