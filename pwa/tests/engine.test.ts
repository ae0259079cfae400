/** The triggers around the outbox and the pull, and the status the screens subscribe to. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { wipeLocalData, type KeukentafelDb } from '../src/db/database';
import { SyncEngine, type SyncEngineOptions } from '../src/sync/engine';
import type { SyncStatus } from '../src/sync/status';
import { StatusStore } from '../src/sync/status';
import { FakeServer } from './fake-server';
import { fakeAuth, freshDb, queuedVisit } from './helpers';

const VISIT_PUT = /^\/api\/visits\/[^/]+$/;
const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const;

function engineFor(db: KeukentafelDb, server: FakeServer, extra: Partial<SyncEngineOptions> = {}) {
  const window = new EventTarget();
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  let online = true;
  const engine = new SyncEngine({
    db,
    fetch: server.fetch,
    auth: fakeAuth(server),
    onRevoked: () => undefined,
    random: () => 0.5,
    intervalMs: 60_000,
    isOnline: () => online,
    events: { window, document },
    locks: null,
    ...extra,
  });
  return {
    engine,
    goOffline: () => {
      online = false;
      window.dispatchEvent(new Event('offline'));
    },
    goOnline: () => {
      online = true;
      window.dispatchEvent(new Event('online'));
    },
    show: (state: 'visible' | 'hidden') => {
      document.visibilityState = state;
      document.dispatchEvent(new Event('visibilitychange'));
    },
  };
}

const visitPuts = (server: FakeServer) => server.requestsTo('PUT', VISIT_PUT).length;
const pulls = (server: FakeServer) => server.requestsTo('GET', /^\/api\/sync\/changes$/).length;

describe('SyncEngine triggers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKED] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('syncs on start: the outbox first, then the pull, then the follow-ups', async () => {
    const db = freshDb();
    const server = new FakeServer();
    await queuedVisit(db, { files: 1 });
    const { engine } = engineFor(db, server);

    const report = await engine.start();

    expect(report).toMatchObject({
      result: 'ran',
      flush: { outcome: { result: 'done' } },
      pull: { result: 'done' },
      followups: { result: 'done', pages: 2 },
    });
    expect(server.requests.map((r) => `${r.method} ${r.path}?${r.query}`)).toEqual([
      expect.stringMatching(/^PUT \/api\/visits\//),
      expect.stringMatching(/^PUT \/api\/visits\/.+\/attachments\//),
      'GET /api/sync/changes?',
      'GET /api/followups?scope=received&limit=200&offset=0',
      'GET /api/followups?scope=sent&limit=200&offset=0',
    ]);
    expect(engine.status.get()).toMatchObject({
      unsent: 0,
      setAside: 0,
      syncing: false,
      lastError: null,
    });
    expect(engine.status.get().lastSyncAt).not.toBeNull();
    engine.stop();
  });

  it('keeps the follow-ups after the pull, and a failing follow-up list is a sync not complete', async () => {
    const db = freshDb();
    const server = new FakeServer();
    server.followups.received('f-1');
    const { engine } = engineFor(db, server);
    await engine.start();
    expect(await db.followups.get('f-1')).toMatchObject({ scopes: ['received'], state: 'open' });
    const syncedAt = engine.status.get().lastSyncAt;

    server.script('GET', /^\/api\/followups$/, { kind: 'answer', status: 500 });
    await vi.advanceTimersByTimeAsync(1000);
    const report = await engine.syncNow();
    expect(report).toMatchObject({
      pull: { result: 'done' },
      followups: { result: 'failed', problem: { status: 500 } },
    });
    expect(engine.status.get().lastError).toMatchObject({ status: 500 });
    expect(engine.status.get().lastSyncAt).toBe(syncedAt);
    expect(await db.followups.count()).toBe(1);
    engine.stop();
  });

  it('does nothing while offline and sends at once when the network comes back', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const { engine, goOffline, goOnline } = engineFor(db, server);
    await engine.start();
    goOffline();
    await queuedVisit(db, { files: 0 });
    expect(await engine.syncNow()).toEqual({ result: 'skipped', reason: 'offline' });
    expect(engine.status.get().online).toBe(false);

    goOnline();
    await engine.idle();
    expect(visitPuts(server)).toBe(1);
    expect(engine.status.get().online).toBe(true);
    engine.stop();
  });

  it('syncs when the app becomes visible, not when it is hidden', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const { engine, show } = engineFor(db, server);
    await engine.start();
    const before = pulls(server);

    show('hidden');
    await engine.idle();
    expect(pulls(server)).toBe(before);
    show('visible');
    await engine.idle();
    expect(pulls(server)).toBe(before + 1);
    engine.stop();
  });

  it('syncs on its timer and stops doing so when stopped', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const { engine } = engineFor(db, server);
    await engine.start();
    const before = pulls(server);

    await vi.advanceTimersByTimeAsync(60_000);
    await engine.idle();
    expect(pulls(server)).toBe(before + 1);
    engine.stop();
    await vi.advanceTimersByTimeAsync(180_000);
    await engine.idle();
    expect(pulls(server)).toBe(before + 1);
  });

  it('asked again while a cycle runs, it runs one more cycle for all who asked, sending nothing twice', async () => {
    const db = freshDb();
    const server = new FakeServer();
    for (let i = 0; i < 3; i++) await queuedVisit(db, { files: 1 });
    const { engine } = engineFor(db, server);

    const [a, b, c] = [engine.syncNow(), engine.syncNow(), engine.syncNow()];
    expect(b).toBe(c); // one follow-up cycle, shared
    await Promise.all([a, b, c]);
    expect(visitPuts(server)).toBe(3);
    expect(server.requestsTo('PUT', /attachments/)).toHaveLength(3);
    expect(pulls(server)).toBe(2);
    engine.stop();
  });

  it('a timer or the app shown again while a cycle runs joins it', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const { engine, show } = engineFor(db, server);
    await engine.start();
    const before = pulls(server);
    const running = engine.syncNow();
    show('visible');
    await running;
    await engine.idle();
    expect(pulls(server)).toBe(before + 1);
    engine.stop();
  });

  it('sends a visit finalised while a cycle pulls right after that cycle, not at the next timer', async () => {
    const db = freshDb();
    const server = new FakeServer();
    let releasePull: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      releasePull = resolve;
    });
    let pulling: () => void = () => undefined;
    const pullStarted = new Promise<void>((resolve) => {
      pulling = resolve;
    });
    const slowPull: typeof server.fetch = async (input, init) => {
      if (input.includes('/api/sync/changes') && pulls(server) === 0) {
        pulling();
        await held;
      }
      return server.fetch(input, init);
    };
    const { engine } = engineFor(db, server, { fetch: slowPull });

    const first = engine.start();
    await pullStarted; // the outbox was empty when this cycle sent it
    await queuedVisit(db, { files: 1 });
    const asked = engine.syncNow();
    releasePull();
    await first;
    await asked;
    expect(visitPuts(server)).toBe(1);
    expect(engine.status.get()).toMatchObject({ unsent: 0 });
    engine.stop();
  });

  it('waits for a new sign-in, keeping everything, then goes on', async () => {
    const db = freshDb();
    const server = new FakeServer();
    await queuedVisit(db, { files: 0 });
    server.endSession();
    const onSignInRequired = vi.fn();
    const { engine } = engineFor(db, server, { onSignInRequired });

    await engine.start();
    expect(onSignInRequired).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'session_ended' }),
    );
    expect(engine.status.get()).toMatchObject({ signInRequired: true, unsent: 1 });
    const asked = server.requests.length;
    await vi.advanceTimersByTimeAsync(120_000);
    await engine.idle();
    expect(server.requests.length).toBe(asked); // the timer does not knock again

    (server as unknown as { sessionEnded: boolean }).sessionEnded = false;
    await engine.signedIn();
    expect(engine.status.get()).toMatchObject({ signInRequired: false, unsent: 0 });
    engine.stop();
  });

  it('wipes the device when it was revoked, and stops syncing', async () => {
    const db = freshDb();
    const server = new FakeServer();
    await queuedVisit(db, { files: 1 });
    server.revokeDevice();
    const { engine } = engineFor(db, server, { onRevoked: () => wipeLocalData(db) });

    await engine.start();
    expect(await db.outbox.count().catch(() => 'gone')).toBe('gone');
    const asked = server.requests.length;
    await vi.advanceTimersByTimeAsync(300_000);
    expect(await engine.syncNow()).toEqual({ result: 'skipped', reason: 'stopped' });
    expect(server.requests.length).toBe(asked);
  });

  it('leaves the sending to another tab that holds the sync lock', async () => {
    const db = freshDb();
    const server = new FakeServer();
    await queuedVisit(db, { files: 0 });
    const heldElsewhere = {
      request: (_name: string, _options: LockOptions, callback: (lock: Lock | null) => unknown) =>
        Promise.resolve(callback(null)),
    } as unknown as LockManager;
    const { engine } = engineFor(db, server, { locks: heldElsewhere });

    expect(await engine.start()).toEqual({ result: 'skipped', reason: 'other_tab' });
    expect(server.requests).toHaveLength(0);
    engine.stop();
  });

  it('resends a corrected record on request', async () => {
    const db = freshDb();
    const server = new FakeServer();
    const visit = await queuedVisit(db, { files: 1, formKey: 'old_form' });
    const { engine } = engineFor(db, server);
    await engine.start();
    expect(engine.status.get().setAside).toBe(2);
    const row = (await db.outbox.where('[kind+record_id]').equals(['visit', visit.id]).first())!;

    await engine.resend(row.seq, { body: { ...visit.body, form_key: 'keukentafelgesprek' } });
    expect(engine.status.get()).toMatchObject({ setAside: 0, unsent: 0 });
    expect(server.visits.has(visit.id)).toBe(true);
    engine.stop();
  });
});

describe('StatusStore', () => {
  it('tells subscribers about every change until they unsubscribe', async () => {
    const store = new StatusStore();
    const seen: SyncStatus[] = [];
    const unsubscribe = store.subscribe((s) => seen.push(s));
    store.update({ unsent: 2 });
    store.update({ unsent: 2 }); // no change, no call
    store.update({
      online: false,
      lastError: { status: null, code: 'network_error', detail: 'x', at: 'y' },
    });
    unsubscribe();
    store.update({ unsent: 0 });
    expect(seen.map((s) => [s.unsent, s.online])).toEqual([
      [0, true],
      [2, true],
      [2, false],
    ]);
  });

  it('follows the outbox in IndexedDB, including visits finalized by a screen', async () => {
    const db = freshDb();
    const store = new StatusStore();
    const stop = store.watch(db);
    await queuedVisit(db, { files: 2 });
    await vi.waitFor(() => expect(store.get().unsent).toBe(3));
    stop();
    db.close();
  });
});
