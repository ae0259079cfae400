/**
 * What the worker needs to see about sync, as one small observable value. A plain
 * subscribe/unsubscribe API: the UI bridges it into a @preact/signals signal in a few lines.
 */
import { liveQuery, type Subscription } from 'dexie';
import type { KeukentafelDb } from '../db/database';
import type { RecordProblem } from '../db/types';

export interface SyncStatus {
  online: boolean;
  /** Outbox rows still to be sent (a visit with two photos counts three). */
  unsent: number;
  /** Outbox rows set aside: they need the worker (correct and resend, or export). */
  setAside: number;
  lastSyncAt: string | null;
  lastError: RecordProblem | null;
  /** A flush or pull is running. */
  syncing: boolean;
  /** The server wants a fresh sign-in; everything stays on the device meanwhile. */
  signInRequired: boolean;
}

export type StatusListener = (status: SyncStatus) => void;

export class StatusStore {
  private value: SyncStatus;
  private readonly listeners = new Set<StatusListener>();

  constructor(initial: Partial<SyncStatus> = {}) {
    this.value = {
      online: true,
      unsent: 0,
      setAside: 0,
      lastSyncAt: null,
      lastError: null,
      syncing: false,
      signInRequired: false,
      ...initial,
    };
  }

  get(): SyncStatus {
    return this.value;
  }

  /** Calls the listener now and on every change; returns the unsubscribe function. */
  subscribe(listener: StatusListener): () => void {
    this.listeners.add(listener);
    listener(this.value);
    return () => {
      this.listeners.delete(listener);
    };
  }

  update(patch: Partial<SyncStatus>): void {
    const next = { ...this.value, ...patch };
    const keys = Object.keys(patch) as (keyof SyncStatus)[];
    if (keys.every((key) => Object.is(next[key], this.value[key]))) return;
    this.value = next; // a new object per change, so a signal sees it change
    for (const listener of [...this.listeners]) listener(next);
  }

  async refreshCounts(db: KeukentafelDb): Promise<void> {
    this.update(await countOutbox(db));
  }

  /**
   * Keep the counts live from IndexedDB itself: a visit finalized by a screen (or another tab)
   * shows up without anyone telling the store. Returns the stop function.
   */
  watch(db: KeukentafelDb): () => void {
    const subscription: Subscription = liveQuery(() => countOutbox(db)).subscribe({
      next: (counts) => this.update(counts),
      error: () => {
        // A closed (wiped) database ends the watch; counts then stay as they were.
      },
    });
    return () => subscription.unsubscribe();
  }
}

async function countOutbox(db: KeukentafelDb): Promise<Pick<SyncStatus, 'unsent' | 'setAside'>> {
  const [unsent, setAside] = await Promise.all([
    db.outbox.where('state').equals('pending').count(),
    db.outbox.where('state').equals('set_aside').count(),
  ]);
  return { unsent, setAside };
}
