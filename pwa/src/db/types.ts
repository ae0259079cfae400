/**
 * The shapes this device keeps: the wire types it sends and receives (as written in
 * docs/sync-protocol.md and the server's schemas.py files) and the rows of each table.
 *
 * Rows are kept for days on a tablet, across app updates: a field is only ever added (with an
 * upgrade step in schema.ts when old rows need a value), never renamed in place.
 */

// --- Wire ------------------------------------------------------------------------------------

/** One attachment a visit declares: the server checks the bytes against it. */
export interface DeclaredAttachment {
  name: string;
  /** Lower-case hex SHA-256 of the bytes exactly as they will be sent. */
  sha256: string;
  content_type: AttachmentContentType;
  size: number;
}

export type AttachmentContentType = 'image/png' | 'image/jpeg';

/** The body of `PUT /api/visits/{visit_id}`; its canonical JSON decides "the same visit". */
export interface VisitWrite {
  case_id: string;
  form_key: string;
  form_version: number;
  visited_on: string;
  finalized_at: string;
  answers: Record<string, unknown>;
  attachments: DeclaredAttachment[];
  replaces: string | null;
}

export type ServerVisitState =
  'awaiting_attachments' | 'submitted' | 'approved' | 'returned' | 'replaced';

/** The `visit` of a VisitReceipt; only the fields this layer reads are named. */
export interface ServerVisit {
  id: string;
  state: ServerVisitState;
  missing_attachments: string[];
  [field: string]: unknown;
}

export interface VisitReceipt {
  outcome: 'created' | 'duplicate';
  visit: ServerVisit;
}

export interface AttachmentReceipt {
  outcome: 'created' | 'duplicate';
  name: string;
  missing_attachments: string[];
  complete: boolean;
  [field: string]: unknown;
}

/** A case as the pull sends it (CaseDetail). Nested parts stay loose until a screen needs them. */
export interface CaseDetail {
  id: string;
  version: number;
  address: { street: string; house_number: string; postcode: string; city: string };
  process_step: string;
  assigned_to_me: boolean;
  updated_at: string;
  [field: string]: unknown;
}

export interface FormSummary {
  key: string;
  version: number;
  title: { nl: string; en: string };
  sha256: string;
  latest: boolean;
}

export interface VisitSummary {
  id: string;
  case_id: string;
  state: ServerVisitState;
  missing_attachments: string[];
  /** What the supervisor wrote when deciding (above all: what to correct); null before. */
  review_comment?: string | null;
  [field: string]: unknown;
}

/** One page of `GET /api/sync/changes`. */
export interface ChangesPage {
  cursor: string;
  more: boolean;
  cases: CaseDetail[];
  removed_case_ids: string[];
  visits: VisitSummary[];
  forms: FormSummary[];
}

/** The signed-in user as `POST /api/auth/login` returns it. */
export interface SessionUser {
  id: string;
  username: string;
  display_name: string;
  organisation: { id: string; name: string; kind: string };
  roles: string[];
}

export interface StoredSession {
  access_token: string;
  refresh_token: string;
  device_id: string;
  /** Epoch ms at which the access token expires. */
  expires_at: number;
  user: SessionUser;
}

// --- Rows ------------------------------------------------------------------------------------

/** Why a record was set aside or last failed: what the worker sees and can hand over. */
export interface RecordProblem {
  /** HTTP status, or null for a network error or a rule on the device. */
  status: number | null;
  /** The problem's stable `code` from the server, or one of ours (`network_error`, ...). */
  code: string;
  detail: string;
  at: string;
}

export interface CaseRow extends CaseDetail {
  pulled_at: string;
}

export interface DraftRow {
  /** Made on the device; becomes the visit's id when the draft is finalized. */
  id: string;
  case_id: string;
  form_key: string;
  form_version: number;
  answers: Record<string, unknown>;
  /** A correction names the visit it replaces from the start. */
  replaces: string | null;
  created_at: string;
  updated_at: string;
  /** Set by a pull that removed the case: the work is kept, the worker is told. */
  case_removed_at?: string;
}

export type VisitStatus = 'queued' | 'sent' | 'set_aside';

export interface VisitRow {
  id: string;
  case_id: string;
  /** Exactly what is sent; the one copy (the outbox row points here). */
  body: VisitWrite;
  /** SHA-256 of canonicalJson(body), for the worker's hand-over and for support. */
  body_sha256: string;
  status: VisitStatus;
  finalized_at: string;
  sent_at: string | null;
  receipt: VisitReceipt | null;
  /** The server's view from the last receipt or pull. */
  server_state: ServerVisitState | null;
  /**
   * The supervisor's comment from the last pull. Unindexed, so no schema version: rows from
   * before it simply lack it, which reads as "no comment".
   */
  review_comment?: string | null;
  problem: RecordProblem | null;
  case_removed_at?: string;
}

export interface AttachmentRow {
  visit_id: string;
  name: string;
  blob: Blob;
  sha256: string;
  content_type: AttachmentContentType;
  size: number;
  created_at: string;
  /** Set when the server acknowledged these bytes. */
  sent_at: string | null;
}

export type OutboxKind = 'case' | 'visit' | 'attachment' | 'action';
export type OutboxState = 'pending' | 'set_aside';

export interface OutboxRow {
  /** Auto-increment: the order records were written is the order they are sent. */
  seq: number;
  kind: OutboxKind;
  /** case id, visit id, `${visit_id}/${name}` for an attachment, a UUID for an action. */
  record_id: string;
  method: 'PUT' | 'POST' | 'DELETE';
  path: string;
  /** Inline JSON body of a case edit or action. A visit's body lives in `visits`. */
  body?: unknown;
  /** Where an attachment's bytes are. */
  attachment?: { visit_id: string; name: string };
  /** Schema v2: the visit a visit or attachment row belongs to (indexed). */
  visit_id?: string;
  /** The case an action concerns, so a pull that removes the case can flag it. */
  case_id?: string;
  attempts: number;
  /** Epoch ms; 0 means now. */
  next_attempt_at: number;
  /** True when next_attempt_at came from the server's Retry-After: even "sync now" waits. */
  server_wait?: boolean;
  last_error: RecordProblem | null;
  state: OutboxState;
  created_at: string;
}

/** An outbox row before IndexedDB gave it its sequence number. */
export type NewOutboxRow = Omit<OutboxRow, 'seq'>;

export interface MetaRow {
  key: string;
  value: unknown;
}

export interface FormRow extends FormSummary {
  /** The definition from `GET /api/forms/{key}/{version}`; null until it was fetched. */
  definition: unknown | null;
  fetched_at: string | null;
}
