/** Shared set-up: a fresh in-memory IndexedDB per test, drafts with files, a fake token pair. */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { vi } from 'vitest';
import { KeukentafelDb } from '../src/db/database';
import { createDraft, putDraftAttachment } from '../src/sync/drafts';
import { finalizeDraft } from '../src/sync/finalize';
import { Api, type RefreshOutcome, type TokenProvider } from '../src/sync/http';
import { Outbox } from '../src/sync/outbox';
import type { FakeServer } from './fake-server';

export const CASE_ID = '3b7e1c1e-5d7a-4d1b-9a55-0f0d0c1b2a01';
export const OTHER_CASE_ID = '9c2f4e55-1b0a-4f7e-8c3d-6a5b4c3d2e10';

/**
 * The data key every test database seals its rows with: the whole suite runs through the
 * vault's sealing middleware, as the app does once unlocked.
 */
export const TEST_KEY = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
  'encrypt',
  'decrypt',
]);

/** Every test gets its own IndexedDB: nothing leaks between tests. */
export function freshDb(upTo?: number, factory: IDBFactory = new IDBFactory()): KeukentafelDb {
  return new KeukentafelDb({
    indexedDB: factory,
    IDBKeyRange,
    sealWith: () => TEST_KEY,
    ...(upTo ? { upTo } : {}),
  });
}

/** Small distinct "images": the server and the device only care about the bytes. */
export function png(seed: number, size = 64): Blob {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (seed * 31 + i * 7) & 0xff;
  return new Blob([bytes], { type: 'image/png' });
}

export interface FakeAuth extends TokenProvider {
  token: string;
  refresh: ReturnType<typeof vi.fn<() => Promise<RefreshOutcome>>>;
}

/** Tokens the fake server accepts; refresh makes the server issue the next one. */
export function fakeAuth(server: FakeServer): FakeAuth {
  let n = 1;
  const auth: FakeAuth = {
    token: server.token,
    accessToken: () => auth.token,
    refresh: vi.fn(async (): Promise<RefreshOutcome> => {
      n++;
      server.issueToken(`token-${n}`);
      auth.token = `token-${n}`;
      return 'refreshed';
    }),
  };
  return auth;
}

export function makeOutbox(
  db: KeukentafelDb,
  server: FakeServer,
  extra: { onRevoked?: () => void; random?: () => number; auth?: TokenProvider } = {},
) {
  const auth = extra.auth ?? fakeAuth(server);
  const api = new Api({ fetch: server.fetch, auth });
  const outbox = new Outbox({
    db,
    api,
    onRevoked: extra.onRevoked ?? (() => undefined),
    random: extra.random ?? (() => 0.5),
  });
  return { outbox, api, auth };
}

/** A finalized visit with `files` signatures, as a worker would leave it. */
export async function queuedVisit(
  db: KeukentafelDb,
  options: {
    files?: number;
    caseId?: string;
    formKey?: string;
    answers?: Record<string, unknown>;
  } = {},
) {
  const draft = await createDraft(db, {
    case_id: options.caseId ?? CASE_ID,
    form_key: options.formKey ?? 'keukentafelgesprek',
    form_version: 1,
    answers: options.answers ?? { household_size: 3, notes: 'Huur achterstand besproken' },
  });
  const files = options.files ?? 1;
  for (let i = 0; i < files; i++) {
    await putDraftAttachment(
      db,
      draft.id,
      `sig-${i}.png`,
      png(i + draft.id.charCodeAt(0)),
      'image/png',
    );
  }
  return finalizeDraft(db, draft.id, { at: new Date('2026-11-24T10:42:00+01:00') });
}

/** Outbox rows as (kind, record) pairs, in send order. */
export async function outboxSummary(db: KeukentafelDb) {
  const rows = await db.outbox.orderBy('seq').toArray();
  return rows.map((row) => `${row.state}:${row.kind}:${row.record_id}`);
}
