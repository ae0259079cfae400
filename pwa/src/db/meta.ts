/** Typed access to the key/value `meta` table: one place that names every key. */
import type { KeukentafelDb } from './database';
import type { InboxItem, OrganisationRef, RecordProblem, StoredSession } from './types';

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
  /**
   * The inbox as last fetched, for reading offline and the unread count. Titles are neutral
   * (no personal data), like the push messages.
   */
  inbox: { fetched_at: string; items: InboxItem[]; unread_capped: boolean };
  /** Notifications read on this device whose "read" has not reached the server yet. */
  inbox_unsent_reads: string[];
  /** The organisations a follow-up can go to (names and kinds), for proposing one offline. */
  recipients: { fetched_at: string; items: OrganisationRef[] };
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
