/**
 * The database's versions, oldest first. Every version a tablet may still hold stays listed:
 * a tablet that was offline (or unopened) for months upgrades through every step in turn, with
 * its unsent records inside. Never edit a published version's stores or upgrade; add a new one.
 */
import type { Dexie, Transaction } from 'dexie';
import type { OutboxRow } from './types';

export interface SchemaVersion {
  version: number;
  /** Dexie store strings: primary key first, then the indexed fields. */
  stores: Record<string, string>;
  /** Runs inside the upgrade transaction, before anyone can read the new version. */
  upgrade?: (tx: Transaction) => Promise<unknown>;
}

export const VERSIONS: readonly SchemaVersion[] = [
  {
    version: 1,
    stores: {
      cases: 'id',
      drafts: 'id, case_id, updated_at',
      visits: 'id, case_id, status',
      attachments: '[visit_id+name], visit_id',
      // `state` orders by state and then by seq, so the first pending row is the next to send.
      outbox: '++seq, state, [kind+record_id]',
      meta: 'key',
      forms: '[key+version], key',
    },
  },
  {
    // Version 2: outbox rows name the visit they belong to. An attachment waits for its visit,
    // is set aside with it, resent with it and dropped when the visit's receipt says it already
    // arrived; each needs "every row of this visit", which version 1 only had inside record_id.
    version: 2,
    stores: {
      outbox: '++seq, state, [kind+record_id], visit_id',
    },
    upgrade: (tx) =>
      tx
        .table<OutboxRow, number>('outbox')
        .toCollection()
        .modify((row) => {
          if (row.kind === 'visit') row.visit_id = row.record_id;
          else if (row.kind === 'attachment' && row.attachment) {
            row.visit_id = row.attachment.visit_id;
          }
        }),
  },
];

/** The version this build of the app reads and writes. */
export const SCHEMA_VERSION = VERSIONS[VERSIONS.length - 1].version;

/** Declare every version up to `upTo` on a Dexie instance (tests open older versions). */
export function declareSchema(db: Dexie, upTo: number = SCHEMA_VERSION): void {
  for (const step of VERSIONS) {
    if (step.version > upTo) break;
    const version = db.version(step.version).stores(step.stores);
    if (step.upgrade) version.upgrade(step.upgrade);
  }
}
