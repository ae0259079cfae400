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

/**
 * A follow-up the server proposes after a visit (visit_forms' suggestion rules): another
 * organisation of `recipient_kind` should pick something up. The worker confirms or skips it.
 */
export interface VisitSuggestion {
  code: string;
  recipient_kind: string;
  need_nl: string;
  need_en: string;
  /** Covenant information categories the follow-up would ask to share. */
  categories: string[];
}

/** The `visit` of a VisitReceipt; only the fields this layer reads are named. */
export interface ServerVisit {
  id: string;
  state: ServerVisitState;
  missing_attachments: string[];
  /** Absent in receipts from servers before follow-ups. */
  suggestions?: VisitSuggestion[];
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
  // Null when the covenant and the household's consent do not share it with this organisation.
  address: { street: string; house_number: string; postcode: string; city: string } | null;
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

// --- Follow-ups (api/followups/schemas.py) ---------------------------------------------------

export type FollowupState = 'open' | 'claimed' | 'in_progress' | 'done' | 'declined' | 'retracted';
export type FollowupActionName = 'claim' | 'progress' | 'decline' | 'complete';

export interface OrganisationRef {
  id: string;
  name: string;
  kind: string;
}

export interface FollowupPerson {
  id: string;
  display_name: string;
  organisation_id: string;
}

export interface ExtractItem {
  label: string;
  /** Text, or for a repeated group a list of {question label: text}. */
  value: unknown;
}

/** What the receiving organisation may see, decided by the server at its last read. */
export interface FollowupExtract {
  shared_categories: string[];
  /** Asked for by the sender, not allowed by the covenant or the household's consent. */
  withheld_categories: string[];
  data: Record<string, ExtractItem[]>;
}

export interface FollowupView {
  id: string;
  case_id: string;
  visit_id: string | null;
  suggestion_code: string | null;
  from_organisation: OrganisationRef;
  created_by: FollowupPerson;
  recipient_organisation: OrganisationRef;
  need: string;
  categories: string[];
  /** YYYY-MM-DD */
  due_on: string;
  state: FollowupState;
  claimed_by: FollowupPerson | null;
  claimed_at: string | null;
  outcome: string;
  decline_reason: string;
  created_at: string;
  updated_at: string;
  overdue: boolean;
  /** Only for the receiving organisation. */
  extract: FollowupExtract | null;
}

/** The body of `PUT /api/followups/{id}`; the id is made on the device. */
export interface FollowupWrite {
  case_id: string;
  recipient_organisation_id: string;
  need: string;
  due_on: string;
  categories: string[];
  visit_id: string | null;
  suggestion_code: string | null;
}

export interface FollowupReceipt {
  outcome: 'created' | 'duplicate';
  followup: FollowupView;
}

/** The body of `POST /api/followups/{id}/{action}`: the same action id gets the same answer. */
export interface ActionWrite {
  action_id: string;
  text: string;
}

/** One row of `GET /api/notifications` (NotificationOut): neutral titles, no personal data. */
export interface InboxItem {
  id: string;
  kind: string;
  object_type: string;
  object_id: string;
  title_nl: string;
  title_en: string;
  created_at: string;
  read_at: string | null;
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
  /**
   * What the worker decided about the receipt's suggestions (and follow-ups added beside
   * them), by suggestion code or `extra:<followup id>`. Unindexed: absent means undecided.
   */
  followup_choices?: Record<string, FollowupChoice>;
}

export interface FollowupChoice {
  decision: 'confirmed' | 'skipped';
  /** The follow-up queued for a confirmed suggestion. */
  followup_id: string | null;
  at: string;
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

/**
 * `followup`: a follow-up made on this device (PUT, idempotent by its id). A follow-up's
 * claim, progress, decline or complete is an `action` row naming `followup_id`.
 */
export type OutboxKind = 'case' | 'visit' | 'attachment' | 'action' | 'followup';
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
  /** Schema v3: the follow-up a `followup` row creates or an action row acts on (indexed). */
  followup_id?: string;
  /** Which action on `followup_id`: the screens show its state as it will be. */
  followup_action?: FollowupActionName;
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

export type FollowupScope = 'received' | 'sent';

/** Something the server said about a follow-up that the worker should see once. */
export interface FollowupNotice {
  /** e.g. `followup_already_claimed`: a colleague was first. */
  code: string;
  /** The follow-up's state the server reported with it, if any. */
  state: string | null;
  at: string;
}

/**
 * A follow-up as the server last showed it to this device. Pending actions are not applied
 * here: they stay in the outbox and the screens lay them over this row until acknowledged.
 */
export interface FollowupRow extends FollowupView {
  /** Which of the server's lists it came from: for my organisation, or sent by us. */
  scopes: FollowupScope[];
  fetched_at: string;
  notice?: FollowupNotice | null;
}

export interface FormRow extends FormSummary {
  /** The definition from `GET /api/forms/{key}/{version}`; null until it was fetched. */
  definition: unknown | null;
  fetched_at: string | null;
}
