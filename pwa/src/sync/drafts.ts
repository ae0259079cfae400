/**
 * Visits in progress. Every change is written at once (a tablet can die mid-visit); a draft's
 * photos and signatures are stored beside it under the draft's id, which becomes the visit's id
 * when it is finalized, so nothing is copied or renamed at that moment.
 */
import type { KeukentafelDb } from '../db/database';
import type { AttachmentContentType, DraftRow } from '../db/types';
import { sha256Hex } from './hash';
import { nowIso } from './time';

export interface NewDraft {
  case_id: string;
  form_key: string;
  form_version: number;
  answers?: Record<string, unknown>;
  replaces?: string | null;
}

export async function createDraft(db: KeukentafelDb, draft: NewDraft): Promise<DraftRow> {
  const at = nowIso();
  const row: DraftRow = {
    id: crypto.randomUUID(),
    case_id: draft.case_id,
    form_key: draft.form_key,
    form_version: draft.form_version,
    answers: draft.answers ?? {},
    replaces: draft.replaces ?? null,
    created_at: at,
    updated_at: at,
  };
  await db.drafts.add(row);
  return row;
}

export async function saveDraftAnswers(
  db: KeukentafelDb,
  draftId: string,
  answers: Record<string, unknown>,
): Promise<void> {
  const changed = await db.drafts.update(draftId, { answers, updated_at: nowIso() });
  if (!changed) throw new Error(`No draft ${draftId}`);
}

/**
 * Store a photo or signature of a draft. The hash is taken here, outside any transaction:
 * WebCrypto is not IndexedDB, and awaiting it inside a transaction would let it commit early.
 */
export async function putDraftAttachment(
  db: KeukentafelDb,
  draftId: string,
  name: string,
  blob: Blob,
  contentType: AttachmentContentType,
): Promise<void> {
  const sha256 = await sha256Hex(blob);
  await db.transaction('rw', db.drafts, db.attachments, async () => {
    if (!(await db.drafts.get(draftId))) throw new Error(`No draft ${draftId}`);
    await db.attachments.put({
      visit_id: draftId,
      name,
      blob,
      sha256,
      content_type: contentType,
      size: blob.size,
      created_at: nowIso(),
      sent_at: null,
    });
    await db.drafts.update(draftId, { updated_at: nowIso() });
  });
}

export async function removeDraftAttachment(
  db: KeukentafelDb,
  draftId: string,
  name: string,
): Promise<void> {
  await db.transaction('rw', db.drafts, db.attachments, async () => {
    if (!(await db.drafts.get(draftId))) throw new Error(`No draft ${draftId}`);
    await db.attachments.delete([draftId, name]);
  });
}

/** The worker throws a draft away on purpose: the draft and its own files go. */
export async function discardDraft(db: KeukentafelDb, draftId: string): Promise<void> {
  await db.transaction('rw', db.drafts, db.attachments, async () => {
    // Once finalized, the files under this id belong to the visit: never touch those.
    if (!(await db.drafts.get(draftId))) return;
    await db.attachments.where('visit_id').equals(draftId).delete();
    await db.drafts.delete(draftId);
  });
}
