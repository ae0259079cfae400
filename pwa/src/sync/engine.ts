/**
 * When to sync. Background Sync exists in Chromium only and an iPad may not run our service
 * worker for days, so the open app syncs itself: on start, when the network comes back, when
 * the app becomes visible, on a timer, when a postponed record is due, and on "sync now".
 * A cycle sends the outbox first (so the pull already reflects our own records), then pulls,
 * then fetches the follow-ups (followups.ts: a step of its own until the pull carries them).
 */
import type { KeukentafelDb } from '../db/database';
import { getMeta, setMeta } from '../db/meta';
import type { RecordProblem } from '../db/types';
import { refreshFollowups } from './followups';
import { Api, type FetchLike, type RefreshOutcome, type TokenProvider } from './http';
import { Outbox, type FlushReport } from './outbox';
import { pull, type PullOutcome } from './pull';
import { exportSetAside, resend, type Correction } from './setaside';
import { StatusStore } from './status';
import { nowIso } from './time';

export interface SyncEngineOptions {
  db: KeukentafelDb;
  fetch: FetchLike;
  auth: TokenProvider;
  baseUrl?: string;
  /** device_revoked: wipe local data. The engine stops itself before calling it. */
  onRevoked: () => void | Promise<void>;
  /** The server wants a new sign-in (session ended, account disabled): show the sign-in. */
  onSignInRequired?: (problem: RecordProblem) => void;
  /** Full cycle every so often while the app is open. */
  intervalMs?: number;
  timeoutMs?: number;
  random?: () => number;
  /** Where `online`/`offline` and `visibilitychange` come from; the browser's by default. */
  events?: { window: EventTarget; document: EventTarget & { visibilityState: string } };
  isOnline?: () => boolean;
  /** Web Locks (the browser's by default); null to do without. */
  locks?: Pick<LockManager, 'request'> | null;
}

export type CycleReport =
  | {
      result: 'skipped';
      reason: 'offline' | 'sign_in_required' | 'stopped' | 'error' | 'other_tab';
    }
  | {
      result: 'ran';
      flush: FlushReport;
      pull: PullOutcome | null;
      /** The follow-up step; null when the pull did not get through. */
      followups?: PullOutcome | null;
    };

export class SyncEngine {
  readonly status = new StatusStore();
  readonly outbox: Outbox;
  private readonly api: Api;
  private cycle: Promise<CycleReport> | null = null;
  private followUp: Promise<CycleReport> | null = null;
  private stopped = true;
  private revoked = false;
  private cleanups: (() => void)[] = [];
  private wake: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: SyncEngineOptions) {
    this.api = new Api({
      fetch: options.fetch,
      auth: options.auth,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
    });
    this.outbox = new Outbox({
      db: options.db,
      api: this.api,
      onRevoked: () => this.onRevoked(),
      random: options.random,
    });
  }

  /** Attach the triggers and run a first cycle. */
  start(): Promise<CycleReport> {
    if (!this.stopped) return this.syncNow();
    this.stopped = false;
    const events = this.options.events ?? browserEvents();
    const online = () => {
      this.status.update({ online: true });
      void this.run(true);
    };
    const offline = () => this.status.update({ online: false });
    const visible = () => {
      if (events?.document.visibilityState === 'visible') void this.run(false);
    };
    if (events) {
      events.window.addEventListener('online', online);
      events.window.addEventListener('offline', offline);
      events.document.addEventListener('visibilitychange', visible);
      this.cleanups.push(() => {
        events.window.removeEventListener('online', online);
        events.window.removeEventListener('offline', offline);
        events.document.removeEventListener('visibilitychange', visible);
      });
    }
    const timer = setInterval(() => void this.run(false), this.options.intervalMs ?? 5 * 60_000);
    this.cleanups.push(() => clearInterval(timer));
    this.cleanups.push(this.status.watch(this.options.db));
    this.status.update({ online: this.isOnline() });
    // Show what was remembered before the first cycle can overwrite it.
    return this.loadRemembered()
      .catch(() => undefined)
      .then(() => this.run(true));
  }

  stop(): void {
    this.stopped = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
  }

  /** The worker's "sync now": also sends what waits out our own backoff. */
  syncNow(): Promise<CycleReport> {
    return this.run(true);
  }

  /** After a fresh sign-in: the queue may move again. */
  async signedIn(): Promise<CycleReport> {
    this.status.update({ signInRequired: false });
    await this.idle(); // a cycle that already gave up must not be the one we join
    return this.run(true);
  }

  /** Put a set-aside record back (see setaside.ts) and send it in a fresh cycle. */
  async resend(seq: number, correction?: Correction): Promise<CycleReport> {
    await resend(this.options.db, seq, correction);
    await this.idle();
    return this.run(true);
  }

  exportSetAside(): Promise<Blob> {
    return exportSetAside(this.options.db);
  }

  /**
   * A screen's own online call (review, administration) met an expired access token. It
   * rotates through the same single refresh as the sync, since a refresh token spent twice
   * ends the session, and ends the same way: a revoked device is wiped, a dead session asks
   * for a sign-in. A network failure throws, as the provider's refresh does.
   */
  async refreshTokens(): Promise<RefreshOutcome> {
    const outcome = await this.api.refresh();
    if (outcome === 'device_revoked') await this.onRevoked();
    else if (outcome === 'sign_in_required') {
      const at = nowIso();
      this.signInRequired({ status: 401, code: 'session_ended', detail: 'Sign in again.', at });
    }
    return outcome;
  }

  /** Resolves once no cycle is running (a screen about to sign out waits for this; tests too). */
  async idle(): Promise<void> {
    while (this.cycle || this.followUp) {
      await (this.followUp ?? this.cycle)?.catch(() => undefined);
    }
  }

  /**
   * One cycle at a time. A trigger while one runs (the timer, the app shown again) joins it.
   * An explicit request (a visit just finalised, "sync now", back online) may come after the
   * running cycle sent the outbox, while it pulls: it gets one cycle of its own right after,
   * which every such request meanwhile shares. Before, the visit waited for the next trigger.
   */
  private run(force: boolean): Promise<CycleReport> {
    if (!this.cycle) {
      this.cycle = this.exclusive(force).finally(() => {
        this.cycle = null;
      });
      return this.cycle;
    }
    if (!force) return this.cycle;
    this.followUp ??= this.cycle
      .catch(() => undefined)
      .then(() => {
        this.followUp = null;
        return this.run(true);
      });
    return this.followUp;
  }

  /**
   * Two open tabs would send the same records side by side. That is harmless (the server
   * answers a duplicate) but wasteful, so tabs take turns through a Web Lock where there is one;
   * a tab that finds the lock taken skips: the other tab is sending the same outbox.
   */
  private exclusive(force: boolean): Promise<CycleReport> {
    const locks =
      this.options.locks !== undefined
        ? this.options.locks
        : typeof navigator !== 'undefined'
          ? navigator.locks
          : undefined;
    if (!locks) return this.runCycle(force);
    return locks.request('keukentafel-sync', { ifAvailable: true }, (lock) =>
      lock ? this.runCycle(force) : { result: 'skipped', reason: 'other_tab' },
    );
  }

  private async runCycle(force: boolean): Promise<CycleReport> {
    if (this.revoked) return { result: 'skipped', reason: 'stopped' };
    if (!this.isOnline()) {
      this.status.update({ online: false });
      return { result: 'skipped', reason: 'offline' };
    }
    // Only a sign-in clears this; the timer must not knock on the door every few minutes.
    if (this.status.get().signInRequired && !force)
      return { result: 'skipped', reason: 'sign_in_required' };
    this.status.update({ syncing: true, online: true });
    try {
      const flush = await this.outbox.flush({ force });
      const outcome = flush.outcome;
      if (outcome.result === 'revoked') return { result: 'ran', flush, pull: null };
      if (outcome.result === 'waiting') this.scheduleWake(outcome.until);
      if (outcome.result === 'sign_in') {
        this.signInRequired(outcome.problem);
        return { result: 'ran', flush, pull: null };
      }
      const flushProblem = 'problem' in outcome ? outcome.problem : null;
      if (outcome.result === 'waiting' && flushProblem?.code === 'network_error') {
        // No network after all: a pull would only wait for the same timeout.
        await this.remember(flush, null);
        return { result: 'ran', flush, pull: null };
      }
      const pullOptions = {
        db: this.options.db,
        api: this.api,
        onRevoked: () => this.onRevoked(),
      };
      const pulled = await pull(pullOptions);
      // After the pull, as its own small step: see followups.ts for why it is not in the pull.
      const followups = pulled.result === 'done' ? await refreshFollowups(pullOptions) : null;
      const fetched = followups ?? pulled;
      if (fetched.result === 'sign_in') this.signInRequired(fetched.problem);
      await this.remember(flush, fetched);
      return { result: 'ran', flush, pull: pulled, followups };
    } catch (error) {
      // Triggers fire and forget: a failure must end up in the status, never unhandled.
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.status.update({
        lastError: { status: null, code: 'device_error', detail, at: nowIso() },
      });
      return { result: 'skipped', reason: 'error' };
    } finally {
      this.status.update({ syncing: false });
      if (!this.revoked) await this.status.refreshCounts(this.options.db).catch(() => undefined);
    }
  }

  /** Last sync time and last error survive a restart: the worker sees them at once. */
  private async remember(flush: FlushReport, pulled: PullOutcome | null): Promise<void> {
    if (this.revoked) return;
    const flushProblem =
      flush.outcome.result === 'waiting' || flush.outcome.result === 'error'
        ? flush.outcome.problem
        : null;
    const pullProblem =
      pulled?.result === 'failed' || pulled?.result === 'sign_in' ? pulled.problem : null;
    const lastError = flushProblem ?? pullProblem;
    const { db } = this.options;
    const patch: { lastError: RecordProblem | null; lastSyncAt?: string } = { lastError };
    await setMeta(db, 'last_error', lastError);
    if (pulled?.result === 'done' && flush.outcome.result !== 'error') {
      patch.lastSyncAt = nowIso();
      await setMeta(db, 'last_sync_at', patch.lastSyncAt);
    }
    this.status.update(patch);
  }

  private async loadRemembered(): Promise<void> {
    const { db } = this.options;
    const [at, error] = await Promise.all([getMeta(db, 'last_sync_at'), getMeta(db, 'last_error')]);
    this.status.update({
      lastSyncAt: at ?? this.status.get().lastSyncAt,
      lastError: error ?? this.status.get().lastError,
    });
  }

  /** A postponed record is due: flush then, without waiting for the periodic timer. */
  private scheduleWake(until: number): void {
    if (this.stopped) return;
    if (this.wake) clearTimeout(this.wake);
    this.wake = setTimeout(
      () => {
        this.wake = null;
        void this.run(false);
      },
      Math.max(0, until - Date.now()),
    );
  }

  private signInRequired(problem: RecordProblem): void {
    this.status.update({ signInRequired: true, lastError: problem });
    this.options.onSignInRequired?.(problem);
  }

  private async onRevoked(): Promise<void> {
    if (this.revoked) return;
    this.revoked = true;
    this.stop();
    await this.options.onRevoked();
  }

  private isOnline(): boolean {
    if (this.options.isOnline) return this.options.isOnline();
    return typeof navigator === 'undefined' ? true : navigator.onLine !== false;
  }
}

function browserEvents(): SyncEngineOptions['events'] | undefined {
  if (typeof window === 'undefined' || typeof document === 'undefined') return undefined;
  return { window, document };
}
