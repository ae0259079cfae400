/** The one IndexedDB database of the app, opened through Dexie with typed tables. */
import { Dexie, type EntityTable, type Table } from 'dexie';
import { declareSchema, SCHEMA_VERSION } from './schema';
import { sealingMiddleware } from '../vault/sealing';
import type {
  AttachmentRow,
  CaseRow,
  DraftRow,
  FollowupRow,
  FormRow,
  MetaRow,
  OutboxRow,
  VisitRow,
} from './types';

export const DB_NAME = 'keukentafel';

export interface OpenOptions {
  name?: string;
  /** Tests pass fake-indexeddb here; the browser's own is used otherwise. */
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
  /** Open an older version (tests of the upgrade steps only). */
  upTo?: number;
  /**
   * The vault's data key (null while locked): personal content is sealed with it on the way in
   * and opened on the way out (src/vault/sealing.ts). Left out, rows are stored as they are.
   */
  sealWith?: () => CryptoKey | null;
}

export class KeukentafelDb extends Dexie {
  // `declare`: Dexie defines these properties itself; a class field would overwrite them.
  declare cases: EntityTable<CaseRow, 'id'>;
  declare drafts: EntityTable<DraftRow, 'id'>;
  declare visits: EntityTable<VisitRow, 'id'>;
  declare attachments: Table<AttachmentRow, [string, string]>;
  declare outbox: EntityTable<OutboxRow, 'seq'>;
  declare meta: EntityTable<MetaRow, 'key'>;
  declare forms: Table<FormRow, [string, number]>;
  declare followups: EntityTable<FollowupRow, 'id'>;

  constructor(options: OpenOptions = {}) {
    super(options.name ?? DB_NAME, {
      ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
      ...(options.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
    });
    if (options.sealWith) this.use(sealingMiddleware(options.sealWith));
    declareSchema(this, options.upTo ?? SCHEMA_VERSION);
  }
}

/** Forget everything on this device: only for a revoked (lost or stolen) device. */
export async function wipeLocalData(db: KeukentafelDb): Promise<void> {
  db.close();
  await db.delete();
}

/**
 * Ask the browser not to evict our data under storage pressure. Safari and Chromium may still
 * say no (Chromium grants it to installed apps); unsent visits then rely on regular syncing.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.storage?.persist) return false;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist();
}
