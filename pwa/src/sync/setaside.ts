/**
 * Records the server refused for good. They stay on the device until the worker either corrects
 * and resends them, or exports them to hand over (to a colleague, to the service desk).
 */
import type { KeukentafelDb } from '../db/database';
import { SCHEMA_VERSION } from '../db/schema';
import type { AttachmentRow, OutboxRow, VisitRow, VisitWrite } from '../db/types';
import { canonicalJson } from './canonical';
import { blobToBase64, sha256Hex } from './hash';
import { nowIso } from './time';

export class ResendError extends Error {
  override name = 'ResendError';
}

export interface Correction {
  /**
   * A corrected body: a CaseWrite, FollowupWrite or action body, or a whole VisitWrite. A visit's declared
   * attachments must stay as they are (the bytes on the device are what will be sent).
   * A 409 visit_conflict is not fixed this way: the server keeps its visit under that id,
   * so a correction there is a new visit.
   */
  body?: unknown;
}

/**
 * Put a set-aside record back in the queue, at its old place (its sequence number is its
 * identity for the screens). A visit takes its attachments along; an attachment set aside
 * only because of its visit resends that visit.
 */
export async function resend(
  db: KeukentafelDb,
  seq: number,
  correction: Correction = {},
): Promise<void> {
  let row = await db.outbox.get(seq);
  if (!row || row.state !== 'set_aside') throw new ResendError(`No set-aside record ${seq}.`);
  if (row.kind === 'attachment' && row.visit_id) {
    const visitRow = await db.outbox
      .where('[kind+record_id]')
      .equals(['visit', row.visit_id])
      .first();
    if (visitRow?.state === 'set_aside') {
      if (correction.body !== undefined) throw new ResendError('Correct the visit, not its file.');
      row = visitRow;
    }
  }
  const target = row;
  const bodySha256 =
    target.kind === 'visit' && correction.body !== undefined
      ? await sha256Hex(canonicalJson(correction.body)) // WebCrypto before the transaction
      : null;

  await db.transaction('rw', [db.outbox, db.visits, db.attachments], async () => {
    const current = await db.outbox.get(target.seq);
    if (!current || current.state !== 'set_aside') throw new ResendError('It changed meanwhile.');
    const reset: Partial<OutboxRow> = {
      state: 'pending',
      attempts: 0,
      next_attempt_at: 0,
      server_wait: false,
      last_error: null,
    };
    if (current.kind === 'case' || current.kind === 'action' || current.kind === 'followup') {
      await db.outbox.update(
        current.seq,
        correction.body === undefined ? reset : { ...reset, body: correction.body },
      );
      return;
    }
    if (current.kind === 'attachment') {
      if (correction.body !== undefined)
        throw new ResendError('An attachment has no body to correct.');
      await db.outbox.update(current.seq, reset);
      return;
    }
    const visit = await db.visits.get(current.record_id);
    if (!visit) throw new ResendError(`Visit ${current.record_id} is gone.`);
    const changes: Partial<VisitRow> = { status: 'queued', problem: null };
    if (correction.body !== undefined && bodySha256) {
      const body = correction.body as VisitWrite;
      const files = await db.attachments.where('visit_id').equals(visit.id).toArray();
      assertSameAttachments(body, files);
      Object.assign(changes, { body, body_sha256: bodySha256, case_id: body.case_id });
    }
    await db.visits.update(visit.id, changes);
    await db.outbox.update(current.seq, reset);
    await db.outbox
      .where('visit_id')
      .equals(visit.id)
      .filter((other) => other.kind === 'attachment' && other.state === 'set_aside')
      .modify(reset);
  });
}

function assertSameAttachments(body: VisitWrite, files: AttachmentRow[]): void {
  const declared = (body.attachments ?? []).map(
    (a) => `${a.name}:${a.sha256}:${a.size}:${a.content_type}`,
  );
  const stored = files.map((f) => `${f.name}:${f.sha256}:${f.size}:${f.content_type}`);
  if (canonicalJson(declared.sort()) !== canonicalJson(stored.sort())) {
    throw new ResendError('The corrected visit must declare the same attachments.');
  }
}

export const EXPORT_FORMAT = 'keukentafel-set-aside/1';

/**
 * Every set-aside record with what it would send, its reason, and the bytes of its files as
 * base64: a self-contained JSON file the worker can hand over when a correction is not possible
 * on the tablet. It contains personal data: the screen that offers it must say so.
 */
export async function exportSetAside(db: KeukentafelDb, now: number = Date.now()): Promise<Blob> {
  const rows = await db.outbox.where('state').equals('set_aside').toArray();
  const records = [];
  const files = new Map<string, AttachmentRow>();
  for (const row of rows) {
    const visit = row.visit_id ? await db.visits.get(row.visit_id) : undefined;
    if (row.kind === 'visit' && row.visit_id) {
      for (const file of await db.attachments.where('visit_id').equals(row.visit_id).toArray()) {
        files.set(`${file.visit_id}/${file.name}`, file);
      }
    }
    if (row.kind === 'attachment' && row.attachment) {
      const file = await db.attachments.get([row.attachment.visit_id, row.attachment.name]);
      if (file) files.set(`${file.visit_id}/${file.name}`, file);
    }
    records.push({
      seq: row.seq,
      kind: row.kind,
      record_id: row.record_id,
      method: row.method,
      path: row.path,
      problem: row.last_error,
      attempts: row.attempts,
      created_at: row.created_at,
      body: row.kind === 'visit' ? (visit?.body ?? null) : (row.body ?? null),
      ...(visit
        ? {
            visit: {
              id: visit.id,
              case_id: visit.case_id,
              status: visit.status,
              body_sha256: visit.body_sha256,
            },
          }
        : {}),
    });
  }
  const attachments = [];
  for (const file of files.values()) {
    attachments.push({
      visit_id: file.visit_id,
      name: file.name,
      content_type: file.content_type,
      size: file.size,
      sha256: file.sha256,
      base64: await blobToBase64(file.blob),
    });
  }
  const document = {
    format: EXPORT_FORMAT,
    schema_version: SCHEMA_VERSION,
    exported_at: nowIso(now),
    records,
    attachments,
  };
  return new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' });
}
