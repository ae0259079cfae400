/**
 * The app's single database and sync engine, and the signals screens read from them.
 * Everything the worker records goes through src/sync; screens never call the API for it.
 */
import { signal } from '@preact/signals';
import { KeukentafelDb, requestPersistentStorage, wipeLocalData } from '../db';
import { SyncEngine, type SyncStatus } from '../sync';
import { Vault } from '../vault';
import { endSession, forgetInMemory, policyOf, session, tokenProvider, whenServerAnswers } from './session';

// The vault needs the database for its record, the database the vault's key to seal rows.
let vaultRef: Vault | null = null;
export const db = new KeukentafelDb({ sealWith: () => vaultRef?.currentKey() ?? null });
export const vault = new Vault(db);
vaultRef = vault;
whenServerAnswers((pair) => vault.serverContact(policyOf(pair)));

/**
 * Where the app is: no session (the login), a login waiting for a new PIN, a recovery after a
 * forgotten PIN waiting for the new one, locked (the PIN screen), or open. Only `open` shows case data.
 */
export type AppState = 'starting' | 'signed_out' | 'set_pin' | 'new_pin' | 'locked' | 'open';
export const appState = signal<AppState>('starting');

/** Why the sign-in screen shows: a revoked device, or a session that needs a fresh login. */
export const signInReason = signal<'revoked' | 'session' | null>(null);
export const syncStatus = signal<SyncStatus | null>(null);
/** The answer of navigator.storage.persist(): null until asked. */
export const persisted = signal<boolean | null>(null);

export const engine = new SyncEngine({
  db,
  fetch: (input, init) => fetch(input, init),
  auth: tokenProvider(db),
  onRevoked: () => wipeDevice(),
  onSignInRequired: () => {
    // A cycle cut off by locking has no token any more: that is no ended session.
    if (appState.value !== 'open') return;
    signInReason.value = 'session';
    session.value = null;
    // Data stays sealed on the device; the password login is followed by the PIN.
    vault.lock();
    forgetInMemory();
    appState.value = 'signed_out';
  },
});
engine.status.subscribe((status) => {
  syncStatus.value = status;
});

/** Start syncing for the signed-in worker and ask the browser to keep our data. */
export async function startSync(): Promise<void> {
  void engine.start();
  persisted.value = await requestPersistentStorage().catch(() => false);
}

/** A lost or stolen tablet: the server said so. Forget everything this device holds. */
export async function wipeDevice(): Promise<void> {
  engine.stop();
  vault.lock();
  forgetInMemory();
  // The vault's record (the wrapped key) is in the database deleted here.
  await wipeLocalData(db);
  if ('caches' in window) {
    for (const key of await caches.keys()) await caches.delete(key);
  }
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    // Nothing stored there that matters more than the wipe itself.
  }
  signInReason.value = 'revoked';
  session.value = null;
  appState.value = 'signed_out';
  // Reopen empty, so a later sign-in on this tablet starts from nothing.
  await db.open();
}

/** Case edits, new follow-ups and actions (claims, read marks): counted as "other changes". */
const OTHER_KINDS = new Set(['case', 'action', 'followup']);

export interface Unsent {
  visits: number;
  files: number;
  other: number;
  drafts: number;
  setAside: number;
}

/** What would be lost by logging out now. */
export async function unsentWork(): Promise<Unsent> {
  const rows = await db.outbox.toArray();
  const pending = rows.filter((row) => row.state === 'pending');
  return {
    visits: pending.filter((row) => row.kind === 'visit').length,
    files: pending.filter((row) => row.kind === 'attachment').length,
    other: pending.filter((row) => OTHER_KINDS.has(row.kind)).length,
    drafts: await db.drafts.count(),
    setAside: rows.length - pending.length,
  };
}

export function nothingUnsent(unsent: Unsent): boolean {
  return Object.values(unsent).every((n) => n === 0);
}

/**
 * Log out only when nothing would be lost; then this device keeps no case data (nor the
 * follow-ups' extracts, nor the inbox). `beforeEnd` runs while the session still holds, once
 * logging out is certain (ending this device's push subscription).
 */
export async function logOut(beforeEnd?: () => Promise<void>): Promise<Unsent | null> {
  const unsent = await unsentWork();
  if (!nothingUnsent(unsent)) return unsent;
  engine.stop();
  await beforeEnd?.();
  await endSession(db);
  const tables = [db.cases, db.visits, db.attachments, db.forms, db.meta, db.followups];
  await db.transaction('rw', tables, async () => {
    await db.cases.clear();
    await db.visits.clear();
    await db.attachments.clear();
    await db.followups.clear();
    const synced = ['cursor', 'last_sync_at', 'last_error', 'cases_to_refresh'];
    const inbox = ['inbox', 'inbox_unsent_reads', 'recipients'];
    await db.meta.where('key').anyOf([...synced, ...inbox, 'session']).delete();
  });
  // Nothing personal is left: the next login on this tablet chooses a new PIN.
  await vault.destroy();
  appState.value = 'signed_out';
  return null;
}
