/**
 * The database's versions, oldest first. Every version a tablet may still hold stays listed:
 * a tablet that was offline (or unopened) for months upgrades through every step in turn, with
 * its unsent records inside. Never edit a published version's stores or upgrade; add a new one.
 */
import type { Dexie, Transaction } from 'dexie';
import type { FollowupActionName, OutboxRow } from './types';

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
  {
    // Version 3: follow-ups. `followups` keeps what the server last said about the follow-ups
    // received by my organisation and those we sent; outbox rows name the follow-up they make
    // or act on, so a screen finds "what is still on its way for this one" by index.
    version: 3,
    stores: {
      outbox: '++seq, state, [kind+record_id], visit_id, followup_id',
      followups: 'id, case_id',
    },
    // queueAction (v2) was already meant for claiming a follow-up: such a row gets its index.
    upgrade: (tx) =>
      tx
        .table<OutboxRow, number>('outbox')
        .toCollection()
        .modify((row) => {
          const found = row.kind === 'action' ? followupActionPath(row.path) : null;
          if (found) {
            row.followup_id = found.id;
            row.followup_action = found.action;
          }
        }),
  },
];

const ACTION_PATH = /^\/api\/followups\/([^/]+)\/(claim|progress|decline|complete)$/;

/** `/api/followups/{id}/{action}` → its parts; null for any other path. */
export function followupActionPath(
  path: string,
): { id: string; action: FollowupActionName } | null {
  const match = ACTION_PATH.exec(path);
  return match ? { id: decodeURIComponent(match[1]), action: match[2] as FollowupActionName } : null;
}

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
