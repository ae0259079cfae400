/**
 * The app's recovery flow end to end, against a stubbed server: a password login brings the
 * recovery secret, the PIN is set, the PIN is forgotten, "PIN vergeten?" and a password login
 * recover everything with a new PIN. The secret never reaches IndexedDB at any step.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const USER = { id: 'a1f0c3de-0000-4000-8000-000000000001', username: 'fieldworker', display_name: 'F', roles: ['field_worker'] };
const COLLEAGUE = { ...USER, id: 'b2e1d4cf-0000-4000-8000-000000000002', username: 'colleague' };
const DEVICE = 'd3c2b1a0-0000-4000-8000-000000000003';
const SECRET = crypto.getRandomValues(new Uint8Array(32));
const SECRET_TEXT = btoa(String.fromCharCode(...SECRET)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const CANARY = 'KANARIE-herstel-8821';

let loginAs = USER;
let revoked = false;
const logouts: string[] = [];
function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
const fakeFetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const url = String(input);
  if (url === '/api/auth/login') {
    if (revoked) return answer(401, { code: 'device_revoked', status: 401, title: 'This device has been revoked' });
    const mine = loginAs === USER;
    return answer(200, {
      access_token: `access-${loginAs.username}`,
      refresh_token: `refresh-${loginAs.username}`,
      token_type: 'Bearer',
      expires_in: 900,
      device_id: mine ? DEVICE : 'e4d3c2b1-0000-4000-8000-000000000004',
      user: loginAs,
      offline_grant_seconds: 43_200,
      idle_lock_seconds: 600,
      vault_recovery_key: mine ? SECRET_TEXT : 'A'.repeat(43),
    });
  }
  if (url === '/api/auth/logout') {
    logouts.push(String((init?.headers as Record<string, string>).Authorization));
    return new Response(null, { status: 204 });
  }
  // Sync and everything else: offline, which the app takes in its stride.
  throw new TypeError('Failed to fetch');
});

beforeAll(() => vi.stubGlobal('fetch', fakeFetch));
afterAll(() => vi.unstubAllGlobals());

async function rawText(): Promise<string> {
  const idb = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('keukentafel');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const parts: string[] = [];
  for (const name of Array.from(idb.objectStoreNames)) {
    const rows = await new Promise<unknown[]>((resolve) => {
      const request = idb.transaction(name).objectStore(name).getAll();
      request.onsuccess = () => resolve(request.result);
    });
    parts.push(JSON.stringify(rows, (_k, v: unknown) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? new TextDecoder('latin1').decode(v as ArrayBuffer) : v)));
  }
  idb.close();
  return parts.join('\n');
}

function expectNoSecret(raw: string) {
  expect(raw).not.toContain(SECRET_TEXT);
  expect(raw).not.toContain(SECRET_TEXT.slice(0, 20));
  expect(raw).not.toContain(new TextDecoder('latin1').decode(SECRET));
}

describe('a forgotten PIN in the app', () => {
  it('is recovered by a password login, with a new PIN, losing nothing and storing no secret', async () => {
    const { db, appState, engine, vault } = await import('../src/app/services');
    const lock = await import('../src/app/lock');
    const { logIn, session } = await import('../src/app/session');
    const { createDraft } = await import('../src/sync/drafts');

    expect(await logIn(db, 'fieldworker', 'pw', 'Tablet')).toBe('ok');
    await lock.afterPasswordLogin();
    expect(appState.value).toBe('set_pin');
    await lock.setPin('246810');
    expect(appState.value).toBe('open');
    engine.stop();
    const draft = await createDraft(db, { case_id: 'c0ffee00-0000-4000-8000-000000000000', form_key: 'f', form_version: 1, answers: { notes: CANARY } });
    expectNoSecret(await rawText());
    expect(await rawText()).not.toContain(CANARY);

    await lock.lockNow();
    expect(appState.value).toBe('locked');
    // Forgotten: "PIN vergeten?" and a password login.
    lock.forgotPin();
    expect(appState.value).toBe('signed_out');
    expect(await logIn(db, 'fieldworker', 'pw', 'Tablet')).toBe('ok');
    await lock.afterPasswordLogin();
    expect(appState.value).toBe('new_pin');
    expectNoSecret(await rawText());
    expect(await lock.setNewPin('135790')).toBe(true);
    expect(appState.value).toBe('open');
    engine.stop();
    expect(session.value?.user.id).toBe(USER.id);
    expect((await db.drafts.get(draft.id))?.answers).toEqual({ notes: CANARY });
    expectNoSecret(await rawText());

    // The wrong-PIN limit leads to the same recovery.
    await lock.lockNow();
    for (let i = 0; i < 5; i++) await lock.unlockWithPin('000000');
    expect(appState.value).toBe('signed_out');
    expect(lock.recovering.value).toBe(true);
    expect(await logIn(db, 'fieldworker', 'pw', 'Tablet')).toBe('ok');
    await lock.afterPasswordLogin();
    expect(appState.value).toBe('new_pin');
    expect(await lock.setNewPin('864209')).toBe(true);
    engine.stop();
    expect((await db.drafts.get(draft.id))?.answers).toEqual({ notes: CANARY });

    // Another worker on this tablet can neither recover it nor reset its wrong-PIN count.
    await lock.lockNow();
    await lock.unlockWithPin('000000');
    lock.forgotPin();
    loginAs = COLLEAGUE;
    expect(await logIn(db, 'colleague', 'pw', 'Tablet')).toBe('other_user');
    expect(logouts).toEqual(['Bearer access-colleague']);
    expect(appState.value).toBe('signed_out');
    expect((await vault.record())?.failed_attempts).toBe(1);
    loginAs = USER;
    // Still the first worker's, and still their PIN's.
    expect(await lock.unlockWithPin('864209')).toMatchObject({ kind: 'open' });
    expect(lock.recovering.value).toBe(false);
    engine.stop();
    expect((await db.drafts.get(draft.id))?.answers).toEqual({ notes: CANARY });
    expectNoSecret(await rawText());

    // A revoked tablet: its login is refused, and nothing of it is taken as the server's answer.
    await lock.lockNow();
    const before = (await vault.record())!.last_contact_at;
    revoked = true;
    expect(await logIn(db, 'fieldworker', 'pw', 'Tablet')).toBe('revoked');
    expect((await vault.record())!.last_contact_at).toBe(before);
  }, 60_000);
});
