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

export const session = signal<StoredSession | null>(null);

interface TokenPair {
  access_token: string;
  refresh_token: string;
  device_id: string;
  expires_in: number;
  user: StoredSession['user'];
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

export type LoginResult = 'ok' | 'failed' | 'throttled' | 'offline';

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
  if (!response.ok) return 'failed';
  await store(db, toSession((await response.json()) as TokenPair));
  return 'ok';
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
        await store(db, toSession((await response.json()) as TokenPair));
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
