/**
 * Finalizing a draft: from here on the visit is a record the server must receive exactly once.
 *
 * One transaction writes the visit row, its attachments and the outbox rows (the visit first,
 * then each attachment), and removes the draft. A crash at any point leaves either the draft or
 * the queued visit, never both and never neither.
 */
import type { KeukentafelDb } from '../db/database';
import type {
  AttachmentContentType,
  AttachmentRow,
  DeclaredAttachment,
  DraftRow,
  VisitRow,
  VisitWrite,
} from '../db/types';
import { canonicalJson } from './canonical';
import { sha256Hex } from './hash';
import { attachmentOutboxRow, visitOutboxRow } from './records';
import { localDate, localTimestamp, nowIso } from './time';

// The server's limits (api/visits/schemas.py), checked here so a visit that can never be
// accepted is refused while the worker is still at the table, not days later.
const NAME = /^[a-z0-9][a-z0-9_-]{0,79}\.(png|jpg)$/;
const MAX_ATTACHMENTS = 20;
const MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024;
const MAX_VISIT_ATTACHMENT_BYTES = 40 * 1024 * 1024;
const EXTENSION: Record<AttachmentContentType, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
};

export class FinalizeError extends Error {
  override name = 'FinalizeError';
}

export interface NewAttachment {
  name: string;
  blob: Blob;
  content_type: AttachmentContentType;
}

export interface FinalizeOptions {
  /** Files made at the very end (signatures); files stored on the draft are included too. */
  attachments?: NewAttachment[];
  /** When the worker finalized; defaults to now. */
  at?: Date;
  /** Defaults to the local date of `at`. */
  visitedOn?: string;
}

export async function finalizeDraft(
  db: KeukentafelDb,
  draftId: string,
  options: FinalizeOptions = {},
): Promise<VisitRow> {
  const at = options.at ?? new Date();
  // WebCrypto must run outside the transaction: hash the new files first.
  const fresh: AttachmentRow[] = await Promise.all(
    (options.attachments ?? []).map(async (file) => ({
      visit_id: draftId,
      name: file.name,
      blob: file.blob,
      sha256: await sha256Hex(file.blob),
      content_type: file.content_type,
      size: file.blob.size,
      created_at: nowIso(),
      sent_at: null,
    })),
  );

  // The body's hash needs WebCrypto too: build it from a snapshot, then check inside the
  // transaction that the draft did not change in between (another tab, a late autosave).
  const snapshot = await readDraft(db, draftId);
  if (!snapshot) return alreadyFinalized(db, draftId);
  const files = mergeFiles(snapshot.files, fresh);
  const body = visitBody(snapshot.draft, files, at, options.visitedOn);
  const bodySha256 = await sha256Hex(canonicalJson(body));

  return db.transaction('rw', [db.drafts, db.visits, db.attachments, db.outbox], async () => {
    const current = await readDraft(db, draftId);
    if (!current) return alreadyFinalized(db, draftId);
    if (
      current.draft.updated_at !== snapshot.draft.updated_at ||
      fingerprint(current.files) !== fingerprint(snapshot.files)
    ) {
      throw new FinalizeError('The draft changed while it was being finalized; try again.');
    }
    if (await db.visits.get(draftId)) throw new FinalizeError(`Visit ${draftId} already exists.`);

    const visit: VisitRow = {
      id: draftId,
      case_id: body.case_id,
      body,
      body_sha256: bodySha256,
      status: 'queued',
      finalized_at: body.finalized_at,
      sent_at: null,
      receipt: null,
      server_state: null,
      problem: null,
      ...(current.draft.case_removed_at ? { case_removed_at: current.draft.case_removed_at } : {}),
    };
    if (fresh.length) await db.attachments.bulkPut(fresh);
    await db.visits.add(visit);
    await db.outbox.add(visitOutboxRow(draftId));
    for (const file of body.attachments) {
      await db.outbox.add(attachmentOutboxRow(draftId, file.name));
    }
    await db.drafts.delete(draftId);
    return visit;
  });
}

async function readDraft(
  db: KeukentafelDb,
  draftId: string,
): Promise<{ draft: DraftRow; files: AttachmentRow[] } | null> {
  const draft = await db.drafts.get(draftId);
  if (!draft) return null;
  const files = await db.attachments.where('visit_id').equals(draftId).toArray();
  return { draft, files };
}

/** A second tap on "finalize" finds the visit the first one made. */
async function alreadyFinalized(db: KeukentafelDb, draftId: string): Promise<VisitRow> {
  const visit = await db.visits.get(draftId);
  if (!visit) throw new FinalizeError(`No draft ${draftId}.`);
  return visit;
}

function mergeFiles(stored: AttachmentRow[], fresh: AttachmentRow[]): AttachmentRow[] {
  const byName = new Map(stored.map((file) => [file.name, file]));
  for (const file of fresh) byName.set(file.name, file);
  const files = [...byName.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  if (files.length > MAX_ATTACHMENTS) {
    throw new FinalizeError(`At most ${MAX_ATTACHMENTS} attachments per visit.`);
  }
  for (const file of files) {
    if (!NAME.test(file.name) || !file.name.endsWith(EXTENSION[file.content_type])) {
      throw new FinalizeError(`Attachment name ${JSON.stringify(file.name)} is not allowed.`);
    }
    if (file.size < 1 || file.size > MAX_ATTACHMENT_BYTES) {
      throw new FinalizeError(`Attachment ${file.name} is empty or larger than 8 MB.`);
    }
  }
  if (files.reduce((total, file) => total + file.size, 0) > MAX_VISIT_ATTACHMENT_BYTES) {
    throw new FinalizeError('The attachments of one visit may be 40 MB together at most.');
  }
  return files;
}

function fingerprint(files: AttachmentRow[]): string {
  return files
    .map((file) => `${file.name}:${file.sha256}`)
    .sort()
    .join(',');
}

function visitBody(
  draft: DraftRow,
  files: AttachmentRow[],
  at: Date,
  visitedOn: string | undefined,
): VisitWrite {
  const attachments: DeclaredAttachment[] = files.map((file) => ({
    name: file.name,
    sha256: file.sha256,
    content_type: file.content_type,
    size: file.size,
  }));
  return {
    case_id: draft.case_id,
    form_key: draft.form_key,
    form_version: draft.form_version,
    visited_on: visitedOn ?? localDate(at),
    finalized_at: localTimestamp(at),
    answers: draft.answers,
    attachments,
    replaces: draft.replaces,
  };
}
