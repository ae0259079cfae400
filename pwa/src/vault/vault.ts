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
 * - A forgotten PIN loses nothing either: the data key is also wrapped under a recovery secret
 *   that the server derives for this user on this device and hands out only with a password
 *   login. It is never stored here, so the tablet alone (without the password) cannot use it;
 *   after the login the data key is unwrapped with it and wrapped again under a new PIN.
 */
import type { KeukentafelDb } from '../db/database';
import { newDataKey, openWithPin, PBKDF2_ITERATIONS, recoveryKey, recoveryOpens, rewrapWithRecovery, type WrappedKey } from './keys';

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
  /** Whose data this is (the user of the login that set the PIN); absent on older records. */
  user_id?: string;
  /** The data key, AES-KW-wrapped by the server's recovery secret for this user and device. */
  recovery_wrapped?: ArrayBuffer;
}

/** What a password login brings for the vault: the recovery secret and who logged in. */
export interface Recovery {
  secret: Uint8Array<ArrayBuffer>;
  user_id: string;
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

  /**
   * Set the PIN after a login: a new data key, wrapped by it and by the login's recovery
   * secret (when it came with one). Leaves the vault open.
   */
  async create(pin: string, policy: VaultPolicy = DEFAULT_POLICY, recovery?: Recovery): Promise<void> {
    if (!isValidPin(pin)) throw new Error('A PIN is 6 to 12 digits.');
    const kek = recovery ? await recoveryKey(recovery.secret) : undefined;
    const { key, stored, recoveryWrapped } = await newDataKey(pin, this.iterations, kek);
    const at = this.now();
    await this.save({
      version: 1,
      ...stored,
      ...policy,
      failed_attempts: 0,
      last_contact_at: at,
      latest_seen_at: at,
      sealed_all: false,
      ...(recovery ? { user_id: recovery.user_id, recovery_wrapped: recoveryWrapped } : {}),
    });
    this.key = key;
  }

  /** Is the data someone else's than this user's? (Unknown on records from before user_id.) */
  async belongsToOther(userId: string): Promise<boolean> {
    const owner = (await this.record())?.user_id;
    return owner !== undefined && owner !== userId;
  }

  /** Can this login's recovery secret open the vault (a forgotten PIN)? Leaves it locked. */
  async recoverable(recovery: Recovery): Promise<boolean> {
    const record = await this.record();
    if (!record?.recovery_wrapped || (await this.belongsToOther(recovery.user_id))) return false;
    return recoveryOpens(await recoveryKey(recovery.secret), record.recovery_wrapped);
  }

  /**
   * A forgotten PIN, after a password login: open the vault with the recovery secret and wrap
   * its data key under a new PIN. Every row stays as it is (the data key does not change).
   * False (and nothing changed) when the secret does not open it: another user's or device's.
   */
  async recover(recovery: Recovery, pin: string): Promise<boolean> {
    if (!isValidPin(pin)) throw new Error('A PIN is 6 to 12 digits.');
    const record = await this.record();
    if (!record?.recovery_wrapped || (await this.belongsToOther(recovery.user_id))) return false;
    const kek = await recoveryKey(recovery.secret);
    const opened = await rewrapWithRecovery(kek, record.recovery_wrapped, pin, this.iterations);
    if (!opened) return false;
    const at = this.now();
    await this.save({
      ...record,
      ...opened.stored,
      recovery_wrapped: opened.recoveryWrapped,
      user_id: recovery.user_id,
      failed_attempts: 0,
      last_contact_at: at,
      latest_seen_at: Math.max(at, record.latest_seen_at),
    });
    this.key = opened.key;
    return true;
  }

  /**
   * Open with the PIN. `contact` asks the server (a token refresh) once the PIN is right; it
   * runs with the vault open, because the tokens it needs are sealed too. After a password
   * login, `recovery` (its secret) wraps the data key for a forgotten PIN as well.
   */
  async unlock(pin: string, contact: () => Promise<Contact>, recovery?: Recovery): Promise<UnlockResult> {
    const record = await this.record();
    if (!record) return { kind: 'no_vault' };
    if (record.failed_attempts >= MAX_PIN_ATTEMPTS) return { kind: 'password_required' };
    // Never another user's secret over this user's data (the app refuses such a login anyway).
    const usable = recovery && !(await this.belongsToOther(recovery.user_id)) ? recovery : undefined;
    const opened = await openWithPin(pin, record, usable ? await recoveryKey(usable.secret) : undefined);
    const key = opened?.key ?? null;
    if (!opened || !key) {
      const failed = record.failed_attempts + 1;
      await this.save({ ...record, failed_attempts: failed });
      return failed >= MAX_PIN_ATTEMPTS
        ? { kind: 'password_required' }
        : { kind: 'wrong_pin', left: MAX_PIN_ATTEMPTS - failed };
    }
    await this.save({
      ...record,
      failed_attempts: 0,
      ...(usable && opened.recoveryWrapped ? { user_id: usable.user_id, recovery_wrapped: opened.recoveryWrapped } : {}),
    });
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
