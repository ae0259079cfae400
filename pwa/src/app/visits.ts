/** Starting drafts: a new visit on a case, or a correction of one as a new revision. */
import { createDraft, putDraftAttachment } from '../sync';
import type { DraftRow, VisitRow } from '../db';
import { defaults, type ExportedForm } from '../forms';
import { localDate } from '../sync';
import { db } from './services';

export async function loadForm(key: string, version: number): Promise<ExportedForm | null> {
  const row = await db.forms.get([key, version]);
  return (row?.definition as ExportedForm | null | undefined) ?? null;
}

export async function startDraft(caseId: string, key: string, version: number): Promise<DraftRow> {
  const form = await loadForm(key, version);
  const answers = form ? defaults(form, { today: localDate() }) : {};
  return createDraft(db, { case_id: caseId, form_key: key, form_version: version, answers });
}

/**
 * A correction starts from what was sent: the same answers and, while they are still on this
 * device, the same photos and signatures, under a new id that names the visit it replaces.
 */
export async function startCorrection(visit: VisitRow): Promise<DraftRow> {
  const draft = await createDraft(db, {
    case_id: visit.case_id,
    form_key: visit.body.form_key,
    form_version: visit.body.form_version,
    answers: visit.body.answers,
    replaces: visit.id,
  });
  for (const file of await db.attachments.where('visit_id').equals(visit.id).toArray()) {
    await putDraftAttachment(db, draft.id, file.name, file.blob, file.content_type);
  }
  return draft;
}

/** Every attachment name the answers point at (signatures and photos, also inside groups). */
export function attachmentNames(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) attachmentNames(item, found);
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.attachment === 'string') found.add(record.attachment);
    for (const item of Object.values(record)) attachmentNames(item, found);
  }
  return found;
}
