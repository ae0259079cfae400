/**
 * The vault: the PIN, the data key it unwraps, and the rules for when a PIN may open it.
 *
 * - The data key lives only in memory, non-extractable; locking drops it.
 * - The PIN opens the vault offline only within the offline grant (a working shift) since the
 *   last contact with the server; after that it also needs the server (a token refresh or a
 *   password login), and a device the server calls revoked wipes itself instead.
 * - After MAX_PIN_ATTEMPTS wrong PINs only a password login lets the PIN be tried again. The
 *   wrapped key is kept: wiping it would lose unsent visits, and what really protects the key
 *   against a copied disk is PBKDF2's cost, not this counter (README: "Data on the tablet").
 */
import type { KeukentafelDb } from '../db/database';
import { newDataKey, PBKDF2_ITERATIONS, unwrapDataKey, type WrappedKey } from './keys';

export const MAX_PIN_ATTEMPTS = 5;
export const MIN_PIN_LENGTH = 6;
/** A clock that went back more than this since we last looked is not trusted for the grant. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface VaultPolicy {
  offline_grant_ms: number;
  idle_lock_ms: number;
}

/** Until a server says otherwise: a working shift, and ten minutes without input. */
export const DEFAULT_POLICY: VaultPolicy = { offline_grant_ms: 12 * 3_600_000, idle_lock_ms: 10 * 60_000 };

/** Stored in the clear in meta under `vault`: it holds nothing that opens the data by itself. */
export interface VaultRecord extends WrappedKey, VaultPolicy {
  version: 1;
  failed_attempts: number;
  /** Epoch ms of the last token refresh or login the server answered. */
  last_contact_at: number;
  /** The latest time this device saw: a clock set back cannot stretch the grant. */
  latest_seen_at: number;
  /** Rows from before the vault have all been sealed. */
  sealed_all: boolean;
}

/** What the server said when the vault asked it, while unlocking. */
export type Contact = 'refreshed' | 'sign_in_required' | 'device_revoked' | 'offline';

export type UnlockResult =
  | { kind: 'open'; online: boolean }
  | { kind: 'wrong_pin'; left: number }
  /** Too many wrong PINs, or the server ended the session: log in with the password. */
  | { kind: 'password_required' }
  /** The offline grant is over: connect to a network and try again. */
  | { kind: 'server_required' }
  | { kind: 'revoked' }
  | { kind: 'no_vault' };

export function isValidPin(pin: string): boolean {
  return new RegExp(`^\\d{${MIN_PIN_LENGTH},12}$`).test(pin);
}

export class Vault {
  private key: CryptoKey | null = null;

  constructor(
    private readonly db: KeukentafelDb,
    private readonly now: () => number = () => Date.now(),
    private readonly iterations: number = PBKDF2_ITERATIONS,
  ) {}

  /** For the sealing middleware: the data key, or null while locked. */
  readonly currentKey = (): CryptoKey | null => this.key;

  get unlocked(): boolean {
    return this.key !== null;
  }

  async record(): Promise<VaultRecord | undefined> {
    const row = await this.db.meta.get('vault');
    return row?.value as VaultRecord | undefined;
  }

  private async save(record: VaultRecord): Promise<void> {
    await this.db.meta.put({ key: 'vault', value: record });
  }

  /** Set the PIN after a login: a new data key, wrapped by it. Leaves the vault open. */
  async create(pin: string, policy: VaultPolicy = DEFAULT_POLICY): Promise<void> {
    if (!isValidPin(pin)) throw new Error('A PIN is 6 to 12 digits.');
    const { key, stored } = await newDataKey(pin, this.iterations);
    const at = this.now();
    await this.save({
      version: 1,
      ...stored,
      ...policy,
      failed_attempts: 0,
      last_contact_at: at,
      latest_seen_at: at,
      sealed_all: false,
    });
    this.key = key;
  }

  /**
   * Open with the PIN. `contact` asks the server (a token refresh) once the PIN is right; it
   * runs with the vault open, because the tokens it needs are sealed too.
   */
  async unlock(pin: string, contact: () => Promise<Contact>): Promise<UnlockResult> {
    const record = await this.record();
    if (!record) return { kind: 'no_vault' };
    if (record.failed_attempts >= MAX_PIN_ATTEMPTS) return { kind: 'password_required' };
    const key = await unwrapDataKey(pin, record);
    if (!key) {
      const failed = record.failed_attempts + 1;
      await this.save({ ...record, failed_attempts: failed });
      return failed >= MAX_PIN_ATTEMPTS
        ? { kind: 'password_required' }
        : { kind: 'wrong_pin', left: MAX_PIN_ATTEMPTS - failed };
    }
    await this.save({ ...record, failed_attempts: 0 });
    this.key = key;
    let answer: Contact;
    try {
      answer = await contact();
    } catch {
      answer = 'offline';
    }
    if (answer === 'refreshed') return { kind: 'open', online: true };
    this.key = null;
    if (answer === 'device_revoked') return { kind: 'revoked' };
    if (answer === 'sign_in_required') return { kind: 'password_required' };
    if (!this.withinGrant((await this.record()) ?? record)) return { kind: 'server_required' };
    this.key = key;
    await this.touch();
    return { kind: 'open', online: false };
  }

  /** May the PIN alone open the vault now? */
  withinGrant(record: VaultRecord): boolean {
    const now = this.now();
    if (now < record.latest_seen_at - CLOCK_SKEW_MS) return false;
    return now - record.last_contact_at <= record.offline_grant_ms;
  }

  /** The server answered a login or refresh: the grant starts again, with its current policy. */
  async serverContact(policy?: VaultPolicy): Promise<void> {
    const record = await this.record();
    if (!record) return;
    const at = this.now();
    await this.save({
      ...record,
      ...(policy ?? {}),
      failed_attempts: 0,
      last_contact_at: at,
      latest_seen_at: Math.max(at, record.latest_seen_at),
    });
  }

  /** Remember the latest time seen (at unlocking), so a clock set back shows. */
  private async touch(): Promise<void> {
    const record = await this.record();
    if (record) await this.save({ ...record, latest_seen_at: Math.max(this.now(), record.latest_seen_at) });
  }

  async markSealedAll(): Promise<void> {
    const record = await this.record();
    if (record) await this.save({ ...record, sealed_all: true });
  }

  /** Drop the key from memory: every sealed row is unreadable until the PIN is entered again. */
  lock(): void {
    this.key = null;
  }

  /** Forget the PIN and its key (logging out with nothing left, or a wipe). */
  async destroy(): Promise<void> {
    this.key = null;
    await this.db.meta.delete('vault');
  }
}

/**
 * Seal every row written before the vault existed (a device updated from an older version),
 * in one transaction: either all of it is sealed or, should it fail, all stays as it was.
 * Rows already sealed are opened and sealed again, which is harmless.
 */
export async function sealEverything(db: KeukentafelDb, vault: Vault): Promise<void> {
  const tables = [db.cases, db.drafts, db.visits, db.attachments, db.outbox, db.followups, db.meta];
  await db.transaction('rw', tables, async () => {
    for (const table of tables) {
      const rows = await table.toArray();
      if (rows.length) await (table as typeof db.meta).bulkPut(rows as never[]);
    }
  });
  await vault.markSealedAll();
}
