/** Typed access to the key/value `meta` table: one place that names every key. */
import type { KeukentafelDb } from './database';
import type { RecordProblem, StoredSession } from './types';

export interface MetaValues {
  /** The pull cursor; written only in the transaction that stored its page. */
  cursor: string;
  last_sync_at: string;
  last_error: RecordProblem | null;
  /** Cases whose edit came back as case_conflict: fetched again after the next pull. */
  cases_to_refresh: string[];
  /** Who is signed in on this device; null after logging out. */
  session: StoredSession | null;
  /** This tablet's enrolment, kept across sign-ins so it stays one device for the server. */
  device_id: string;
}

export type MetaKey = keyof MetaValues;

export async function getMeta<K extends MetaKey>(
  db: KeukentafelDb,
  key: K,
): Promise<MetaValues[K] | undefined> {
  const row = await db.meta.get(key);
  return row?.value as MetaValues[K] | undefined;
}

export async function setMeta<K extends MetaKey>(
  db: KeukentafelDb,
  key: K,
  value: MetaValues[K],
): Promise<void> {
  await db.meta.put({ key, value });
}
