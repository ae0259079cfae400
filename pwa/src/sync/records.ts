/**
 * Outbox rows for each kind of record, and queueing the kinds that need no finalizing (case
 * edits, small actions). One place builds paths, so the flusher and the tests agree on them.
 */
import type { KeukentafelDb } from '../db/database';
import type {
  ActionWrite,
  FollowupActionName,
  FollowupWrite,
  NewOutboxRow,
} from '../db/types';
import { nowIso } from './time';

type NewRow = Omit<
  NewOutboxRow,
  'attempts' | 'next_attempt_at' | 'last_error' | 'state' | 'created_at'
>;

function pending(row: NewRow): NewOutboxRow {
  return {
    ...row,
    attempts: 0,
    next_attempt_at: 0,
    last_error: null,
    state: 'pending',
    created_at: nowIso(),
  };
}

export function visitPath(visitId: string): string {
  return `/api/visits/${encodeURIComponent(visitId)}`;
}

export function attachmentPath(visitId: string, name: string): string {
  return `${visitPath(visitId)}/attachments/${encodeURIComponent(name)}`;
}

export function visitOutboxRow(visitId: string): NewOutboxRow {
  return pending({
    kind: 'visit',
    record_id: visitId,
    visit_id: visitId,
    method: 'PUT',
    path: visitPath(visitId),
  });
}

export function attachmentOutboxRow(visitId: string, name: string): NewOutboxRow {
  return pending({
    kind: 'attachment',
    record_id: `${visitId}/${name}`,
    visit_id: visitId,
    attachment: { visit_id: visitId, name },
    method: 'PUT',
    path: attachmentPath(visitId, name),
  });
}

/**
 * Queue a case edit (CaseWrite; `base_version` for an update). The cached case is not changed
 * here: `cases` holds what the server last said, and a pending edit is shown from the outbox.
 */
export async function queueCaseEdit(
  db: KeukentafelDb,
  caseId: string,
  body: Record<string, unknown>,
): Promise<number> {
  return db.outbox.add(
    pending({
      kind: 'case',
      record_id: caseId,
      case_id: caseId,
      method: 'PUT',
      path: `/api/cases/${encodeURIComponent(caseId)}`,
      body,
    }),
  );
}

/** Queue a small call (mark a notification read, claim a follow-up) that must survive offline. */
export async function queueAction(
  db: KeukentafelDb,
  action: { method: 'PUT' | 'POST' | 'DELETE'; path: string; body?: unknown; case_id?: string },
): Promise<number> {
  return db.outbox.add(
    pending({
      kind: 'action',
      record_id: crypto.randomUUID(),
      method: action.method,
      path: action.path,
      ...(action.body === undefined ? {} : { body: action.body }),
      ...(action.case_id ? { case_id: action.case_id } : {}),
    }),
  );
}

export function followupPath(followupId: string, action?: FollowupActionName): string {
  const base = `/api/followups/${encodeURIComponent(followupId)}`;
  return action ? `${base}/${action}` : base;
}

/**
 * A follow-up made on this device. Its id is made here and is the server's key, so sending it
 * again after a lost answer is a duplicate, not a second follow-up.
 */
export function followupOutboxRow(followupId: string, body: FollowupWrite): NewOutboxRow {
  return pending({
    kind: 'followup',
    record_id: followupId,
    followup_id: followupId,
    case_id: body.case_id,
    method: 'PUT',
    path: followupPath(followupId),
    body,
  });
}

/**
 * Claim, progress, decline or complete, queued like every record: it survives offline and a
 * closed app. The action id is made once, here, and kept in the body: a resend after a lost
 * answer carries the same id, and the server answers it as it did the first time.
 */
export function followupActionRow(
  followupId: string,
  action: FollowupActionName,
  text: string,
  actionId: string = crypto.randomUUID(),
): NewOutboxRow {
  const body: ActionWrite = { action_id: actionId, text };
  return pending({
    kind: 'action',
    record_id: actionId,
    followup_id: followupId,
    followup_action: action,
    method: 'POST',
    path: followupPath(followupId, action),
    body,
  });
}

export async function queueFollowupAction(
  db: KeukentafelDb,
  followupId: string,
  action: FollowupActionName,
  text: string,
): Promise<string> {
  const row = followupActionRow(followupId, action, text);
  await db.outbox.add(row);
  return row.record_id;
}
