import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { KeukentafelDb } from '../src/db/database';
import { createDraft, putDraftAttachment, saveDraftAnswers } from '../src/sync/drafts';
import { finalizeDraft } from '../src/sync/finalize';
import { queueCaseEdit } from '../src/sync/records';
import { MAX_PIN_ATTEMPTS, Vault, sealEverything, VaultLockedError } from '../src/vault';
import { CASE_ID, png } from './helpers';

const CANARY = 'KANARIE-Jansen-schuld-4711';
const PIN = '493817';
const HOUR = 3_600_000;
// Fast in tests; the app uses PBKDF2_ITERATIONS.
const ITERATIONS = 1_000;

function device(factory = new IDBFactory()) {
  let now = Date.parse('2026-11-24T08:00:00Z');
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  // The vault needs the database for its record, the database the vault for its key.
  const holder: { vault?: Vault } = {};
  const db = new KeukentafelDb({ indexedDB: factory, IDBKeyRange, sealWith: () => holder.vault?.currentKey() ?? null });
  const vault = new Vault(db, clock.now, ITERATIONS);
  holder.vault = vault;
  return { db, vault, clock, factory };
}

/** Every row of every store, read with plain IndexedDB (not through the app), as text. */
async function rawText(factory: IDBFactory): Promise<string> {
  const idb = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open('keukentafel');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const parts: string[] = [];
  for (const name of Array.from(idb.objectStoreNames)) {
    const rows = await new Promise<unknown[]>((resolve) => {
      const request = idb.transaction(name).objectStore(name).getAll();
      request.onsuccess = () => resolve(request.result);
    });
    for (const row of rows) parts.push(await asText(row));
  }
  idb.close();
  return parts.join('\n');
}

async function asText(value: unknown): Promise<string> {
  if (value instanceof Blob) return new TextDecoder('latin1').decode(await value.arrayBuffer());
  if (value instanceof ArrayBuffer) return new TextDecoder('latin1').decode(value);
  if (ArrayBuffer.isView(value)) return new TextDecoder('latin1').decode(value);
  if (value && typeof value === 'object') {
    const inner = await Promise.all(Object.entries(value).map(async ([k, v]) => `${k}=${await asText(v)}`));
    return `{${inner.join(',')}}`;
  }
  return String(value);
}

describe('the vault', () => {
  it('keeps drafts, the outbox, visits, files and cases only as ciphertext', async () => {
    const { db, vault, factory } = device();
    await vault.create(PIN);
    await db.cases.put({ id: CASE_ID, version: 1, address: { street: CANARY, house_number: '1', postcode: '1234AB', city: 'X' }, process_step: 'intake', assigned_to_me: true, updated_at: 'x', pulled_at: 'x' });
    const draft = await createDraft(db, { case_id: CASE_ID, form_key: 'keukentafelgesprek', form_version: 1 });
    await saveDraftAnswers(db, draft.id, { notes: CANARY });
    await putDraftAttachment(db, draft.id, 'photo', new Blob([CANARY], { type: 'image/png' }), 'image/png');
    const other = await createDraft(db, { case_id: CASE_ID, form_key: 'keukentafelgesprek', form_version: 1, answers: { notes: CANARY } });
    await finalizeDraft(db, other.id);
    await queueCaseEdit(db, CASE_ID, { note: CANARY });

    const raw = await rawText(factory);
    expect(raw).not.toContain(CANARY);
    expect(raw).toContain('sealed=');

    // Through the app everything reads as it was written.
    expect((await db.drafts.get(draft.id))?.answers).toEqual({ notes: CANARY });
    expect(await (await db.attachments.get([draft.id, 'photo']))!.blob.text()).toBe(CANARY);
    expect((await db.visits.get(other.id))?.body.answers).toEqual({ notes: CANARY });
    expect((await db.cases.get(CASE_ID))?.address?.street).toBe(CANARY);
    // A filter reads through a cursor: it sees plain rows too.
    expect(await db.cases.filter((row) => row.assigned_to_me).count()).toBe(1);
  });

  it('reads nothing sealed while locked, and the right PIN opens it again', async () => {
    const { db, vault } = device();
    await vault.create(PIN);
    const draft = await createDraft(db, { case_id: CASE_ID, form_key: 'f', form_version: 1, answers: { notes: CANARY } });
    vault.lock();
    await expect(db.drafts.get(draft.id)).rejects.toBeInstanceOf(VaultLockedError);
    await expect(createDraft(db, { case_id: CASE_ID, form_key: 'f', form_version: 1 })).rejects.toBeInstanceOf(VaultLockedError);
    // Bookkeeping stays readable: what waits to be sent can be counted while locked.
    expect(await db.drafts.where('case_id').equals(CASE_ID).count()).toBe(1);

    expect(await vault.unlock(PIN, async () => 'offline')).toEqual({ kind: 'open', online: false });
    expect((await db.drafts.get(draft.id))?.answers).toEqual({ notes: CANARY });
  });

  it('keeps the data key non-extractable and stores it only wrapped', async () => {
    const { vault } = device();
    await vault.create(PIN);
    const key = vault.currentKey()!;
    expect(key.extractable).toBe(false);
    expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    const record = (await vault.record())!;
    expect(Object.keys(record)).not.toContain('key');
    expect(record.wrapped.byteLength).toBe(40); // AES-KW of 32 bytes
    expect(record.iterations).toBe(ITERATIONS);
  });

  it('counts wrong PINs and then asks for the password, without losing the data', async () => {
    const { db, vault } = device();
    await vault.create(PIN);
    const draft = await createDraft(db, { case_id: CASE_ID, form_key: 'f', form_version: 1, answers: { notes: CANARY } });
    vault.lock();
    for (let left = MAX_PIN_ATTEMPTS - 1; left > 0; left--) {
      expect(await vault.unlock('000000', async () => 'refreshed')).toEqual({ kind: 'wrong_pin', left });
    }
    expect(await vault.unlock('000000', async () => 'refreshed')).toEqual({ kind: 'password_required' });
    // Even the right PIN waits for a password login now.
    expect(await vault.unlock(PIN, async () => 'refreshed')).toEqual({ kind: 'password_required' });
    expect(vault.unlocked).toBe(false);

    await vault.serverContact(); // a password login succeeded
    expect(await vault.unlock(PIN, async () => 'refreshed')).toEqual({ kind: 'open', online: true });
    expect((await db.drafts.get(draft.id))?.answers).toEqual({ notes: CANARY });
  });

  it('opens offline within the grant only, and with the server after it', async () => {
    const { vault, clock } = device();
    await vault.create(PIN, { offline_grant_ms: 12 * HOUR, idle_lock_ms: 60_000 });
    vault.lock();
    clock.advance(11 * HOUR);
    expect(await vault.unlock(PIN, async () => 'offline')).toEqual({ kind: 'open', online: false });
    vault.lock();
    clock.advance(2 * HOUR);
    expect(await vault.unlock(PIN, async () => 'offline')).toEqual({ kind: 'server_required' });
    expect(vault.unlocked).toBe(false);
    // A network failure thrown by the refresh counts as offline too.
    expect(await vault.unlock(PIN, () => Promise.reject(new TypeError('Failed to fetch')))).toEqual({ kind: 'server_required' });

    expect(await vault.unlock(PIN, async () => 'refreshed')).toEqual({ kind: 'open', online: true });
    await vault.serverContact();
    vault.lock();
    clock.advance(HOUR);
    expect(await vault.unlock(PIN, async () => 'offline')).toEqual({ kind: 'open', online: false });
  });

  it('does not let a clock set back stretch the grant', async () => {
    const { vault, clock } = device();
    await vault.create(PIN, { offline_grant_ms: 12 * HOUR, idle_lock_ms: 60_000 });
    clock.advance(11 * HOUR);
    vault.lock();
    expect((await vault.unlock(PIN, async () => 'offline')).kind).toBe('open');
    vault.lock();
    clock.advance(-10 * HOUR);
    expect(await vault.unlock(PIN, async () => 'offline')).toEqual({ kind: 'server_required' });
  });

  it('refuses a revoked device and one whose session ended, even within the grant', async () => {
    const { vault } = device();
    await vault.create(PIN);
    vault.lock();
    expect(await vault.unlock(PIN, async () => 'device_revoked')).toEqual({ kind: 'revoked' });
    expect(vault.unlocked).toBe(false);
    expect(await vault.unlock(PIN, async () => 'sign_in_required')).toEqual({ kind: 'password_required' });
    expect(vault.unlocked).toBe(false);
  });

  it('seals what a device held from before the vault, losing nothing', async () => {
    const factory = new IDBFactory();
    const old = new KeukentafelDb({ indexedDB: factory, IDBKeyRange });
    const draft = await createDraft(old, { case_id: CASE_ID, form_key: 'f', form_version: 1, answers: { notes: CANARY } });
    await putDraftAttachment(old, draft.id, 'photo', png(1), 'image/png');
    const visit = await createDraft(old, { case_id: CASE_ID, form_key: 'f', form_version: 1, answers: { notes: CANARY } });
    await finalizeDraft(old, visit.id);
    await old.meta.put({ key: 'session', value: { refresh_token: CANARY } });
    old.close();
    expect(await rawText(factory)).toContain(CANARY);

    const { db, vault } = device(factory);
    // Before the PIN is set, unsealed rows read as they are.
    expect((await db.drafts.get(draft.id))?.answers).toEqual({ notes: CANARY });
    await vault.create(PIN);
    await sealEverything(db, vault);

    expect(await rawText(factory)).not.toContain(CANARY);
    expect((await vault.record())?.sealed_all).toBe(true);
    expect((await db.drafts.get(draft.id))?.answers).toEqual({ notes: CANARY });
    expect(await db.outbox.count()).toBe(1);
    expect((await db.visits.get(visit.id))?.body.answers).toEqual({ notes: CANARY });
    const photo = await db.attachments.get([draft.id, 'photo']);
    expect(new Uint8Array(await photo!.blob.arrayBuffer())).toEqual(new Uint8Array(await png(1).arrayBuffer()));
  });
});

describe('recovering a forgotten PIN', () => {
  const USER = 'a1f0c3de-0000-4000-8000-000000000001';
  const OTHER_USER = 'b2e1d4cf-0000-4000-8000-000000000002';
  const NEW_PIN = '731904';
  const secret = () => crypto.getRandomValues(new Uint8Array(32));

  async function withUnsentWork(db: KeukentafelDb) {
    const draft = await createDraft(db, { case_id: CASE_ID, form_key: 'f', form_version: 1, answers: { notes: CANARY } });
    await putDraftAttachment(db, draft.id, 'photo', png(3), 'image/png');
    const visit = await createDraft(db, { case_id: CASE_ID, form_key: 'f', form_version: 1, answers: { notes: CANARY } });
    await finalizeDraft(db, visit.id);
    return { draft: draft.id, visit: visit.id };
  }

  it('opens the data with the login\'s secret and a new PIN, losing nothing', async () => {
    const { db, vault } = device();
    const recovery = { secret: secret(), user_id: USER };
    await vault.create(PIN, undefined, recovery);
    const work = await withUnsentWork(db);
    vault.lock();
    // The PIN is forgotten: the attempts run out.
    for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) await vault.unlock('000000', async () => 'refreshed');
    expect(await vault.unlock(PIN, async () => 'refreshed')).toEqual({ kind: 'password_required' });

    // A password login hands out the same secret again (derived by the server for user and device).
    const again = { secret: new Uint8Array(recovery.secret), user_id: USER };
    expect(await vault.recoverable(again)).toBe(true);
    expect(vault.unlocked).toBe(false);
    expect(await vault.recover(again, NEW_PIN)).toBe(true);
    expect(vault.unlocked).toBe(true);
    expect(vault.currentKey()!.extractable).toBe(false);
    expect((await db.drafts.get(work.draft))?.answers).toEqual({ notes: CANARY });
    expect(await (await db.attachments.get([work.draft, 'photo']))!.blob.arrayBuffer()).toEqual(await png(3).arrayBuffer());
    expect((await db.visits.get(work.visit))?.body.answers).toEqual({ notes: CANARY });
    expect(await db.outbox.where('state').equals('pending').count()).toBe(1);
    expect((await vault.record())?.failed_attempts).toBe(0);

    // The new PIN opens it from now on, the old one no longer; and the recovery still works.
    vault.lock();
    expect(await vault.unlock(PIN, async () => 'offline')).toEqual({ kind: 'wrong_pin', left: MAX_PIN_ATTEMPTS - 1 });
    expect(await vault.unlock(NEW_PIN, async () => 'offline')).toEqual({ kind: 'open', online: false });
    expect((await db.drafts.get(work.draft))?.answers).toEqual({ notes: CANARY });
    vault.lock();
    expect(await vault.recoverable(again)).toBe(true);
  });

  it('refuses another user\'s or another device\'s secret, and leaves the data as it was', async () => {
    const { db, vault } = device();
    const mine = { secret: secret(), user_id: USER };
    await vault.create(PIN, undefined, mine);
    const work = await withUnsentWork(db);
    vault.lock();
    const before = (await vault.record())!;

    // Another worker logging in on this tablet gets a secret of their own (another device).
    const colleague = { secret: secret(), user_id: OTHER_USER };
    expect(await vault.recoverable(colleague)).toBe(false);
    expect(await vault.recover(colleague, NEW_PIN)).toBe(false);
    // Even with this tablet's secret another user is refused: the vault knows whose it is.
    expect(await vault.recover({ secret: mine.secret, user_id: OTHER_USER }, NEW_PIN)).toBe(false);
    // The same user after a revocation is enrolled as a new device: another secret.
    const reEnrolled = { secret: secret(), user_id: USER };
    expect(await vault.recover(reEnrolled, NEW_PIN)).toBe(false);
    expect(vault.unlocked).toBe(false);

    const after = (await vault.record())!;
    expect(new Uint8Array(after.wrapped)).toEqual(new Uint8Array(before.wrapped));
    expect(new Uint8Array(after.recovery_wrapped!)).toEqual(new Uint8Array(before.recovery_wrapped!));
    expect(after.user_id).toBe(USER);
    // An unlock after another user's login never wraps the key under that user's secret.
    expect(await vault.unlock(PIN, async () => 'offline', colleague)).toEqual({ kind: 'open', online: false });
    expect(new Uint8Array((await vault.record())!.recovery_wrapped!)).toEqual(new Uint8Array(before.recovery_wrapped!));
    expect((await db.drafts.get(work.draft))?.answers).toEqual({ notes: CANARY });
    expect((await db.visits.get(work.visit))?.body.answers).toEqual({ notes: CANARY });
  });

  it('gives a vault from before recovery its wrap at the next login and PIN', async () => {
    const { db, vault } = device();
    await vault.create(PIN);
    const work = await withUnsentWork(db);
    vault.lock();
    const recovery = { secret: secret(), user_id: USER };
    expect(await vault.recoverable(recovery)).toBe(false);
    expect(await vault.unlock(PIN, async () => 'refreshed', recovery)).toEqual({ kind: 'open', online: true });
    expect((await vault.record())?.user_id).toBe(USER);
    vault.lock();
    expect(await vault.recover(recovery, NEW_PIN)).toBe(true);
    expect((await db.drafts.get(work.draft))?.answers).toEqual({ notes: CANARY });
  });

  it('never writes the recovery secret to IndexedDB', async () => {
    const { db, vault, factory } = device();
    const recovery = { secret: secret(), user_id: USER };
    await vault.create(PIN, undefined, recovery);
    await withUnsentWork(db);
    vault.lock();
    await vault.unlock(PIN, async () => 'refreshed', recovery);
    vault.lock();
    await vault.recover(recovery, NEW_PIN);
    await withUnsentWork(db);

    const raw = await rawText(factory);
    const latin1 = new TextDecoder('latin1').decode(recovery.secret);
    const base64 = btoa(latin1);
    const base64url = base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(raw).toContain('recovery_wrapped=');
    for (const form of [latin1, base64, base64url, base64url.slice(0, 24)]) expect(raw).not.toContain(form);
    // Nor anything else that opens the vault without the server: the record holds only wraps.
    const record = (await vault.record())!;
    expect(Object.keys(record).sort()).toEqual(
      ['failed_attempts', 'idle_lock_ms', 'iterations', 'last_contact_at', 'latest_seen_at', 'offline_grant_ms',
        'recovery_wrapped', 'salt', 'sealed_all', 'user_id', 'version', 'wrapped'].sort(),
    );
  });
});
