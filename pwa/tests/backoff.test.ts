/** Retry timing: exponential with jitter, capped at five minutes, and Retry-After wins. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BACKOFF_CAP_MS, backoffDelay, parseRetryAfter } from '../src/sync/backoff';
import { SyncEngine } from '../src/sync/engine';
import { FakeServer } from './fake-server';
import { fakeAuth, freshDb, makeOutbox, queuedVisit } from './helpers';

const VISIT_PUT = /^\/api\/visits\/[^/]+$/;

// fake-indexeddb schedules its work with setImmediate: leave that one real.
const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const;

describe('backoffDelay', () => {
  it('doubles per attempt, stays within half to all of each step, and never passes five minutes', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, () => 0))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, () => 1))).toEqual([2000, 4000, 8000, 16000]);
    for (let attempts = 1; attempts < 40; attempts++) {
      for (const r of [0, 0.3, 0.999]) {
        expect(backoffDelay(attempts, () => r)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
      }
    }
    expect(backoffDelay(30, () => 1)).toBe(BACKOFF_CAP_MS);
    expect(backoffDelay(30, () => 0)).toBe(BACKOFF_CAP_MS / 2);
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('retry timing', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKED] });
    vi.setSystemTime(new Date('2026-11-24T10:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits out each backoff step before sending again', async () => {
    const db = freshDb();
    const server = new FakeServer();
    await queuedVisit(db, { files: 0 });
    server.script('PUT', VISIT_PUT, { kind: 'answer', status: 503 }, 3);
    const { outbox } = makeOutbox(db, server, { random: () => 0.5 });

    const sends = () => server.requestsTo('PUT', VISIT_PUT).length;
    const start = Date.now();
    expect((await outbox.flush()).outcome).toMatchObject({
      result: 'waiting',
      until: start + 1500,
    });
    let elapsed = 0;
    for (const [step, expectedSends] of [
      [1500, 2],
      [3000, 3],
      [6000, 4],
    ] as const) {
      vi.advanceTimersByTime(step - 1);
      await outbox.flush();
      expect(sends()).toBe(expectedSends - 1); // one millisecond early: nothing goes
      vi.advanceTimersByTime(1);
      elapsed += step;
      await outbox.flush();
      expect(sends()).toBe(expectedSends);
    }
    expect(Date.now() - start).toBe(elapsed);
    expect(await db.outbox.count()).toBe(0);
  });

  it('honours Retry-After, even when the worker asks to sync now', async () => {
    const db = freshDb();
    const server = new FakeServer();
    await queuedVisit(db, { files: 0 });
    server.script('PUT', VISIT_PUT, {
      kind: 'answer',
      status: 429,
      headers: { 'Retry-After': '120' },
    });
    const { outbox } = makeOutbox(db, server);

    const first = await outbox.flush();
    expect(first.outcome).toMatchObject({ result: 'waiting', until: Date.now() + 120_000 });
    vi.advanceTimersByTime(119_000);
    await outbox.flush({ force: true });
    expect(server.requests).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect((await outbox.flush()).outcome).toEqual({ result: 'done' });
    expect(server.requests).toHaveLength(2);
  });

  it('lets the engine wake itself when a postponed record is due', async () => {
    const db = freshDb();
    const server = new FakeServer();
    await queuedVisit(db, { files: 0 });
    server.script('PUT', VISIT_PUT, { kind: 'network' }, 2);
    const engine = new SyncEngine({
      db,
      fetch: server.fetch,
      auth: fakeAuth(server),
      onRevoked: () => undefined,
      random: () => 0.5,
      isOnline: () => true,
      events: {
        window: new EventTarget(),
        document: Object.assign(new EventTarget(), { visibilityState: 'visible' }),
      },
    });
    const sends = () => server.requestsTo('PUT', VISIT_PUT).length;

    await engine.start();
    expect(sends()).toBe(1);
    await vi.advanceTimersByTimeAsync(1499);
    await engine.idle();
    expect(sends()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await engine.idle();
    expect(sends()).toBe(2); // second network error: the next step is 3 s
    await vi.advanceTimersByTimeAsync(3000);
    await engine.idle();
    expect(sends()).toBe(3);
    expect(await db.outbox.count()).toBe(0);
    expect(engine.status.get().lastError).toBeNull();
    engine.stop();
  });
});
