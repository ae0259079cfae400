/**
 * The app's side of the vault: what shows at start, setting the PIN after a login, unlocking,
 * and locking (on request or after the idle time). Locking stops sync, waits for pending draft
 * saves, then drops the data key and the tokens from memory; the URL stays, so unlocking
 * returns to the visit that was open, reloaded from its saved draft.
 */
import { signal } from '@preact/signals';
import { sealEverything, type UnlockResult } from '../vault';
import { adoptPendingPair, forgetInMemory, loadSession, pendingPair, policyOf, tokenProvider } from './session';
import { appState, db, engine, signInReason, startSync, vault, wipeDevice } from './services';

/** A refresh that hangs on a weak network must not hold the PIN screen: then it is "offline". */
const CONTACT_TIMEOUT_MS = 8_000;

/** Why the PIN screen or login shows a notice; null for none. */
export const lockNotice = signal<UnlockResult['kind'] | null>(null);

/** Work that must reach IndexedDB before the key goes (a draft's pending autosave). */
export const beforeLock = new Set<() => Promise<unknown>>();

export async function startApp(): Promise<void> {
  const record = await vault.record().catch(() => undefined);
  if (record) {
    appState.value = 'locked';
    return;
  }
  // No vault yet: nobody signed in, or a device updated from before the vault with a session
  // (and maybe unsent work) in the clear, which is sealed as soon as the PIN is set.
  const existing = await loadSession(db).catch(() => null);
  appState.value = existing ? 'set_pin' : 'signed_out';
}

/** A password login succeeded: a known tablet asks for its PIN, a new one for a new PIN. */
export async function afterPasswordLogin(): Promise<void> {
  signInReason.value = null;
  lockNotice.value = null;
  appState.value = (await vault.record()) ? 'locked' : 'set_pin';
}

export async function setPin(pin: string): Promise<void> {
  await vault.create(pin, pendingPair ? policyOf(pendingPair) : undefined);
  await adoptPendingPair(db);
  // Also what a device held from before the vault, the tokens of a session included.
  await sealEverything(db, vault);
  await loadSession(db);
  open();
}

export async function unlockWithPin(pin: string): Promise<UnlockResult> {
  const result = await vault.unlock(pin, async () => {
    // A fresh password login is the server's answer already; otherwise ask it now.
    if (pendingPair) {
      await adoptPendingPair(db);
      return 'refreshed';
    }
    await loadSession(db);
    const timeout = new Promise<'offline'>((resolve) => setTimeout(() => resolve('offline'), CONTACT_TIMEOUT_MS));
    return Promise.race([tokenProvider(db).refresh(), timeout]);
  });
  lockNotice.value = result.kind === 'open' ? null : result.kind;
  if (result.kind === 'open') {
    open();
  } else if (result.kind === 'revoked') {
    await wipeDevice();
  } else if (result.kind === 'password_required') {
    forgetInMemory();
    appState.value = 'signed_out';
  } else if (result.kind === 'server_required') {
    forgetInMemory();
  }
  return result;
}

function open(): void {
  appState.value = 'open';
  void startSync();
}

export async function lockNow(): Promise<void> {
  if (appState.value !== 'open') return;
  await Promise.allSettled([...beforeLock].map((flush) => flush()));
  engine.stop();
  // A cycle under way finishes with the key (its acknowledgements are sealed writes); one that
  // hangs on a bad network is cut off, and its records are simply sent again after unlocking.
  await Promise.race([engine.idle(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  vault.lock();
  forgetInMemory();
  lockNotice.value = null;
  appState.value = 'locked';
}

/**
 * Lock after the policy's idle time without input. Timers sleep in a hidden tab, so the time
 * is also checked when the app comes back into view.
 */
export function watchIdle(): () => void {
  let lastInput = Date.now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const idleMs = async () => (await vault.record())?.idle_lock_ms ?? 10 * 60_000;
  const check = async () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (appState.value !== 'open') return;
    const limit = await idleMs();
    const left = lastInput + limit - Date.now();
    if (left <= 0) await lockNow();
    else timer = setTimeout(() => void check(), Math.min(left, 60_000));
  };
  const input = () => {
    lastInput = Date.now();
    if (!timer) void check();
  };
  const visible = () => {
    if (document.visibilityState === 'visible') void check();
  };
  const events = ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'] as const;
  for (const name of events) document.addEventListener(name, input, { capture: true, passive: true });
  document.addEventListener('visibilitychange', visible);
  const stopWatching = appState.subscribe((state) => {
    if (state === 'open') {
      lastInput = Date.now();
      void check();
    }
  });
  return () => {
    for (const name of events) document.removeEventListener(name, input, { capture: true });
    document.removeEventListener('visibilitychange', visible);
    stopWatching();
    if (timer) clearTimeout(timer);
  };
}
