/**
 * Who is signed in on this tablet, and the token provider the sync layer calls.
 *
 * The session lives in IndexedDB (the meta table) with the rest of the device's data, so a
 * reload or a closed tab keeps the worker signed in for their shift. Logging out is refused
 * while anything is unsent or unfinished: a device never loses a visit on a logout.
 */
import { signal } from '@preact/signals';
import { getMeta, setMeta, type KeukentafelDb, type StoredSession } from '../db';
import type { RefreshOutcome, TokenProvider } from '../sync';
import { DEFAULT_POLICY, fromBase64Url, type Recovery, type VaultPolicy, type VaultRecord } from '../vault';

export const session = signal<StoredSession | null>(null);

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  device_id: string;
  expires_in: number;
  user: StoredSession['user'];
  /** The vault's policy; absent from servers before it. */
  offline_grant_seconds?: number;
  idle_lock_seconds?: number;
  /** A password login's only: the vault's recovery secret for this user on this device. */
  vault_recovery_key?: string;
}

export function policyOf(pair: TokenPair): VaultPolicy {
  return {
    offline_grant_ms: (pair.offline_grant_seconds ?? DEFAULT_POLICY.offline_grant_ms / 1000) * 1000,
    idle_lock_ms: (pair.idle_lock_seconds ?? DEFAULT_POLICY.idle_lock_ms / 1000) * 1000,
  };
}

/**
 * A password login's pair, held in memory until the vault is open: the session is stored
 * sealed, so it waits for the PIN to be set (a new device) or entered (a known one).
 */
export let pendingPair: TokenPair | null = null;

/**
 * The recovery secret of that login, in memory only and only until the login flow ends (the
 * PIN set, entered, or chosen anew): never stored, so that the tablet alone cannot recover.
 */
export let pendingRecovery: Recovery | null = null;

/** Told of every pair the server hands out: the vault's "last contact" and its policy. */
let onContact: ((pair: TokenPair) => Promise<void>) | null = null;
export function whenServerAnswers(listener: (pair: TokenPair) => Promise<void>): void {
  onContact = listener;
}

function toSession(pair: TokenPair): StoredSession {
  return {
    access_token: pair.access_token,
    refresh_token: pair.refresh_token,
    device_id: pair.device_id,
    expires_at: Date.now() + pair.expires_in * 1000,
    user: pair.user,
  };
}

export async function loadSession(db: KeukentafelDb): Promise<StoredSession | null> {
  session.value = (await getMeta(db, 'session')) ?? null;
  return session.value;
}

async function store(db: KeukentafelDb, value: StoredSession | null): Promise<void> {
  await setMeta(db, 'session', value);
  if (value) await setMeta(db, 'device_id', value.device_id);
  session.value = value;
}

/**
 * `other_user`: the tablet holds another worker's vault, which this login must not take over;
 * `revoked`: the server revoked this tablet, which then wipes itself (no recovery).
 */
export type LoginResult = 'ok' | 'failed' | 'throttled' | 'offline' | 'other_user' | 'revoked';

export async function logIn(
  db: KeukentafelDb,
  username: string,
  password: string,
  deviceName: string,
): Promise<LoginResult> {
  const deviceId = (await getMeta(db, 'device_id')) ?? undefined;
  let response: Response;
  try {
    response = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username, password, device_name: deviceName, device_id: deviceId }),
      cache: 'no-store',
    });
  } catch {
    return 'offline';
  }
  if (response.status === 429) return 'throttled';
  if (!response.ok) {
    // This tablet, revoked as lost, named by its own worker's right password: it wipes itself.
    const problem = (await response.json().catch(() => ({}))) as { code?: string };
    return problem.code === 'device_revoked' ? 'revoked' : 'failed';
  }
  const { vault_recovery_key: secret, ...pair } = (await response.json()) as TokenPair;
  // Read before unlocking: the vault's record is in the clear.
  const owner = ((await db.meta.get('vault'))?.value as VaultRecord | undefined)?.user_id;
  if (owner !== undefined && owner !== pair.user.id) {
    // Neither this session nor its secret is of use here: end it at once.
    void fetch('/api/auth/logout', {
      method: 'POST',
      headers: { Authorization: `Bearer ${pair.access_token}` },
      cache: 'no-store',
    }).catch(() => undefined);
    return 'other_user';
  }
  pendingPair = pair;
  pendingRecovery = secret ? { secret: fromBase64Url(secret), user_id: pair.user.id } : null;
  await onContact?.(pendingPair);
  return 'ok';
}

/** Store the pair of the password login, once the vault is open to seal it. */
export async function adoptPendingPair(db: KeukentafelDb): Promise<boolean> {
  const pair = pendingPair;
  if (!pair) return false;
  pendingPair = null;
  pendingRecovery = null;
  await store(db, toSession(pair));
  return true;
}

/** Locking: the tokens leave memory with the data key (they are kept sealed). */
export function forgetInMemory(): void {
  session.value = null;
  pendingPair = null;
  pendingRecovery = null;
}

/** End the session on the server (when reachable) and forget it here. */
export async function endSession(db: KeukentafelDb): Promise<void> {
  const current = session.value;
  if (current) {
    try {
      await fetch('/api/auth/logout', {
        method: 'POST',
        headers: { Authorization: `Bearer ${current.access_token}` },
        cache: 'no-store',
      });
    } catch {
      // Offline: the server's session ends by itself; this device forgets it now.
    }
  }
  await store(db, null);
}

export function tokenProvider(db: KeukentafelDb): TokenProvider {
  return {
    accessToken: () => session.value?.access_token ?? null,
    refresh: async (): Promise<RefreshOutcome> => {
      const current = session.value;
      if (!current) return 'sign_in_required';
      // A network failure throws: the sync layer retries later with the same refresh token.
      const response = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ refresh_token: current.refresh_token }),
        cache: 'no-store',
      });
      if (response.ok) {
        const pair = (await response.json()) as TokenPair;
        await store(db, toSession(pair));
        await onContact?.(pair);
        return 'refreshed';
      }
      const problem = (await response.json().catch(() => ({}))) as { code?: string };
      return problem.code === 'device_revoked' ? 'device_revoked' : 'sign_in_required';
    },
  };
}

export function hasRole(role: string): boolean {
  return session.value?.user.roles.includes(role) ?? false;
}
