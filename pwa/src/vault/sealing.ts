/**
 * Sealed rows: a Dexie middleware that encrypts the personal content of each row on its way into
 * IndexedDB and decrypts it on its way out, so src/sync and the screens keep reading and writing
 * plain rows. Keys and indexed bookkeeping (ids, state, seq, case_id, timestamps) stay in the
 * clear, because IndexedDB must index them; everything else of a row goes into `sealed`
 * (AES-GCM), and a Blob field (a photo, a signature) into `sealed_blobs`.
 *
 * WebCrypto is not IndexedDB: a transaction with no request pending while we await it would
 * commit early, and the next write in it would fail (or worse, half of a finalize would land).
 * So while a row is encrypted or decrypted inside a transaction, `whileAlive` keeps that
 * transaction busy with cheap reads and lets the caller continue from inside a request's
 * success event, where the transaction is active (the same trick as Dexie.waitFor, done at the
 * level where the raw IDBTransaction is at hand).
 *
 * A row without `sealed` is read as it is: data from before the vault, sealed once the worker
 * set a PIN (Vault.sealEverything). Reading a sealed row while locked throws VaultLockedError.
 */
import type { DBCore, DBCoreCursor, DBCoreTable, DBCoreTransaction, Middleware } from 'dexie';
import { open, seal, type Sealed } from './keys';

export class VaultLockedError extends Error {
  constructor() {
    super('The vault is locked: unlock it with the PIN first.');
    this.name = 'VaultLockedError';
  }
}

/** Fields kept in the clear, per table: the keys, the indexes and harmless bookkeeping. */
export const PLAIN_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  cases: new Set(['id', 'version', 'pulled_at', 'updated_at']),
  drafts: new Set(['id', 'case_id', 'form_key', 'form_version', 'created_at', 'updated_at', 'case_removed_at']),
  visits: new Set(['id', 'case_id', 'status', 'body_sha256', 'finalized_at', 'sent_at', 'server_state', 'case_removed_at']),
  attachments: new Set(['visit_id', 'name', 'sha256', 'content_type', 'size', 'created_at', 'sent_at']),
  outbox: new Set([
    'seq', 'kind', 'record_id', 'method', 'path', 'attachment', 'visit_id', 'case_id', 'followup_id',
    'followup_action', 'attempts', 'next_attempt_at', 'server_wait', 'state', 'created_at',
  ]),
  followups: new Set(['id', 'case_id', 'state', 'due_on', 'scopes', 'created_at', 'updated_at', 'fetched_at']),
  meta: new Set(['key']),
};

/**
 * Meta rows that stay in the clear: the vault's own record (read before unlocking), the
 * enrolment id and the sync bookkeeping. The session (tokens), the inbox and the rest are sealed.
 */
export const PLAIN_META = new Set(['vault', 'device_id', 'cursor', 'last_sync_at']);

type Row = Record<string, unknown>;
interface SealedBlob extends Sealed {
  type: string;
}

function sealedTable(table: string, row: Row): ReadonlySet<string> | null {
  const plain = PLAIN_FIELDS[table];
  if (!plain) return null;
  if (table === 'meta' && PLAIN_META.has(String(row.key))) return null;
  return plain;
}

export function isSealed(row: unknown): boolean {
  return !!row && typeof row === 'object' && 'sealed' in row;
}

export async function sealRow(key: CryptoKey, table: string, row: Row): Promise<Row> {
  const plain = sealedTable(table, row);
  if (!plain || isSealed(row)) return row;
  const out: Row = {};
  const secret: Row = {};
  const blobs: Record<string, Blob> = {};
  for (const [field, value] of Object.entries(row)) {
    if (plain.has(field)) out[field] = value;
    else if (value instanceof Blob) blobs[field] = value;
    else secret[field] = value;
  }
  out.sealed = await seal(key, new TextEncoder().encode(JSON.stringify(secret)), table);
  const names = Object.keys(blobs);
  if (names.length) {
    const sealedBlobs: Record<string, SealedBlob> = {};
    for (const name of names) {
      const bytes = await blobs[name].arrayBuffer();
      sealedBlobs[name] = { type: blobs[name].type, ...(await seal(key, bytes, table)) };
    }
    out.sealed_blobs = sealedBlobs;
  }
  return out;
}

export async function openRow(key: CryptoKey | null, table: string, row: unknown): Promise<unknown> {
  if (!isSealed(row)) return row;
  if (!key) throw new VaultLockedError();
  const { sealed, sealed_blobs: blobs, ...plain } = row as Row & {
    sealed: Sealed;
    sealed_blobs?: Record<string, SealedBlob>;
  };
  const secret = JSON.parse(new TextDecoder().decode(await open(key, sealed, table))) as Row;
  const out: Row = { ...plain, ...secret };
  for (const [name, blob] of Object.entries(blobs ?? {})) {
    out[name] = new Blob([await open(key, blob, table)], { type: blob.type });
  }
  return out;
}

/**
 * Await `work` without letting `trans` commit meanwhile, and settle from inside a request's
 * success event so that the caller's next request still finds the transaction active.
 */
export function whileAlive<T>(trans: DBCoreTransaction, store: string, work: Promise<T>): Promise<T> {
  const idb = trans as unknown as IDBTransaction;
  return new Promise<T>((resolve, reject) => {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | null = null;
    work.then(
      (value) => (outcome = { ok: true, value }),
      (error: unknown) => (outcome = { ok: false, error }),
    );
    const spin = () => {
      if (outcome) {
        if (outcome.ok) resolve(outcome.value);
        else reject(outcome.error);
        return;
      }
      let request: IDBRequest;
      try {
        // -Infinity is a valid key that no row of ours has: a read that finds nothing.
        request = idb.objectStore(store).get(-Infinity);
      } catch {
        // The transaction is over (a lone read): nothing to keep alive, just wait.
        work.then(resolve, reject);
        return;
      }
      request.onsuccess = spin;
      request.onerror = spin;
    };
    spin();
  });
}

function decryptingCursor(
  cursor: DBCoreCursor,
  openValue: (value: unknown) => Promise<unknown>,
  store: string,
): DBCoreCursor {
  let value: unknown;
  // Everything but `value` and `start` is the underlying cursor's (looked up at call time,
  // since Dexie swaps continue/stop when a cursor starts).
  return Object.create(cursor, {
    value: { get: () => value },
    start: {
      value: (onNext: () => void) =>
        cursor.start(() => {
          whileAlive(cursor.trans, store, openValue(cursor.value)).then(
            (plain) => {
              value = plain;
              onNext();
            },
            (error: unknown) => cursor.fail(error instanceof Error ? error : new Error(String(error))),
          );
        }),
    },
  }) as DBCoreCursor;
}

/** The middleware; `currentKey` is null while the vault is locked. */
export function sealingMiddleware(currentKey: () => CryptoKey | null): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'KeukentafelSealing',
    // Below Dexie's own middlewares (the lowest is -1): they see plain rows, IndexedDB sealed ones.
    level: -10,
    create: (down) => ({
      ...down,
      table: (name: string): DBCoreTable => {
        const table = down.table(name);
        if (!PLAIN_FIELDS[name]) return table;
        const openValue = (value: unknown) => openRow(currentKey(), name, value);
        const openAll = (trans: DBCoreTransaction, values: unknown[]) =>
          values.some(isSealed) ? whileAlive(trans, name, Promise.all(values.map(openValue))) : Promise.resolve(values);
        return {
          ...table,
          get: (req) => table.get(req).then((value) => (isSealed(value) ? whileAlive(req.trans, name, openValue(value)) : value)),
          getMany: (req) => table.getMany(req).then((values) => openAll(req.trans, values)),
          query: (req) =>
            table.query(req).then((res) => {
              if (!req.values) return res;
              return openAll(req.trans, res.result).then((result) => ({ ...res, result }));
            }),
          openCursor: (req) =>
            table.openCursor(req).then((cursor) => (cursor && req.values ? decryptingCursor(cursor, openValue, name) : cursor)),
          mutate: (req) => {
            if (req.type !== 'add' && req.type !== 'put') return table.mutate(req);
            const rows = req.values as Row[];
            if (!rows.some((row) => sealedTable(name, row))) return table.mutate(req);
            const key = currentKey();
            if (!key) return Promise.reject(new VaultLockedError());
            const sealing = Promise.all(rows.map((row) => sealRow(key, name, row)));
            return whileAlive(req.trans, name, sealing).then((values) => table.mutate({ ...req, values }));
          },
        };
      },
    }),
  };
}
