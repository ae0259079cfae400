/**
 * The app's side of the vault: what shows at start, setting the PIN after a login, unlocking,
 * and locking (on request or after the idle time). Locking stops sync, waits for pending draft
 * saves, then drops the data key and the tokens from memory; the URL stays, so unlocking
 * returns to the visit that was open, reloaded from its saved draft.
 *
 * A forgotten PIN ("Pincode vergeten?", or the wrong-PIN limit) leads to a password login whose
 * recovery secret opens the vault, and then to a new PIN: nothing on the tablet is lost.
 */
import { signal } from '@preact/signals';
import { MAX_PIN_ATTEMPTS, sealEverything, type UnlockResult } from '../vault';
import { adoptPendingPair, forgetInMemory, loadSession, pendingPair, pendingRecovery, policyOf, session, tokenProvider } from './session';
import { appState, db, engine, signInReason, startSync, vault, wipeDevice } from './services';

/** A refresh that hangs on a weak network must not hold the PIN screen: then it is "offline". */
const CONTACT_TIMEOUT_MS = 8_000;

/** Why the PIN screen or login shows a notice; null for none. */
export const lockNotice = signal<UnlockResult['kind'] | 'recovery_failed' | null>(null);

/** The worker forgot the PIN (said so, or used up the attempts): the password login recovers. */
export const recovering = signal(false);

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

/**
 * A password login succeeded: a known tablet asks for its PIN, a new one for a new PIN, and one
 * whose PIN was forgotten for a new PIN once the login's recovery secret opens its vault.
 */
export async function afterPasswordLogin(): Promise<void> {
  signInReason.value = null;
  lockNotice.value = null;
  if (!(await vault.record())) {
    recovering.value = false;
    appState.value = 'set_pin';
    return;
  }
  if (recovering.value) {
    if (pendingRecovery && (await vault.recoverable(pendingRecovery))) {
      appState.value = 'new_pin';
      return;
    }
    // No recovery wrap (a vault from before it), or one for another enrolment (the server no
    // longer knew this tablet's id): the PIN is the only way left, and it may be tried again.
    recovering.value = false;
    lockNotice.value = 'recovery_failed';
  }
  appState.value = 'locked';
}

/** Go to the password login to recover from a forgotten PIN. */
export function forgotPin(): void {
  recovering.value = true;
  lockNotice.value = null;
  appState.value = 'signed_out';
}

/** The new PIN after a recovery: the same data key, wrapped anew; every row stays readable. */
export async function setNewPin(pin: string): Promise<boolean> {
  const recovery = pendingRecovery;
  if (!recovery || !(await vault.recover(recovery, pin))) return false;
  recovering.value = false;
  await adoptPendingPair(db);
  if (!(await vault.record())?.sealed_all) await sealEverything(db, vault);
  await loadSession(db);
  open();
  return true;
}

export async function setPin(pin: string): Promise<void> {
  const user = pendingPair?.user.id ?? session.value?.user.id ?? (await loadSession(db))?.user.id;
  const recovery = pendingRecovery && pendingRecovery.user_id === user ? pendingRecovery : undefined;
  await vault.create(pin, pendingPair ? policyOf(pendingPair) : undefined, recovery);
  await adoptPendingPair(db);
  // Also what a device held from before the vault, the tokens of a session included.
  await sealEverything(db, vault);
  await loadSession(db);
  open();
}

export async function unlockWithPin(pin: string): Promise<UnlockResult> {
  // Right after a password login its recovery secret wraps the data key too (kept up to date).
  const recovery = pendingRecovery ?? undefined;
  const result = await vault.unlock(pin, async () => {
    // A fresh password login is the server's answer already; otherwise ask it now.
    if (pendingPair) {
      await adoptPendingPair(db);
      return 'refreshed';
    }
    await loadSession(db);
    const timeout = new Promise<'offline'>((resolve) => setTimeout(() => resolve('offline'), CONTACT_TIMEOUT_MS));
    return Promise.race([tokenProvider(db).refresh(), timeout]);
  }, recovery);
  lockNotice.value = result.kind === 'open' ? null : result.kind;
  if (result.kind === 'open') {
    recovering.value = false;
    open();
  } else if (result.kind === 'revoked') {
    await wipeDevice();
  } else if (result.kind === 'password_required') {
    forgetInMemory();
    // The attempts are used up: the password login recovers (and asks for a new PIN) rather
    // than leave the data behind a PIN the worker no longer knows.
    recovering.value = ((await vault.record())?.failed_attempts ?? 0) >= MAX_PIN_ATTEMPTS;
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

/** Locking from the menu locks the app's other open tabs too: one worker, one PIN screen. */
const LOCK_CHANNEL = 'keukentafel-lock';
let lockChannel: BroadcastChannel | null = null;

export function shareLocks(): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(LOCK_CHANNEL);
  channel.onmessage = (event: MessageEvent) => {
    if (event.data === 'lock') void lockNow(false);
  };
  lockChannel = channel;
  return () => {
    channel.close();
    if (lockChannel === channel) lockChannel = null;
  };
}

/**
 * Lock this tab; `share` also the other tabs (the worker locked on purpose). The idle lock is
 * each tab's own: a tab left in the background must not lock the one being worked in.
 */
export async function lockNow(share = true): Promise<void> {
  if (share) lockChannel?.postMessage('lock');
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
    if (left <= 0) await lockNow(false);
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
