/**
 * A strict stand-in for the API, behind the same fetch-like function the app injects.
 * It records every request, keeps visits by id with the SHA-256 of their canonical body
 * (computed here independently of the code under test), and answers as the server does:
 * 201 then 200 duplicate for the same body, 409 visit_conflict for another body under the
 * same id, 409 attachment_conflict for other bytes under a declared name.
 */
import type { ChangesPage } from '../src/db/types';
import { FakeFollowups } from './fake-followups';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  token: string | null;
  contentType: string | null;
  /** JSON text, or null for bytes. */
  text: string | null;
  bytes: Uint8Array | null;
  /** The JSON text was exactly the canonical form of what it holds. */
  canonical: boolean | null;
}

interface StoredVisit {
  sha256: string;
  body: VisitBody;
  received: Set<string>;
}

interface VisitBody {
  case_id: string;
  form_key: string;
  form_version: number;
  visited_on: string;
  finalized_at: string;
  answers: Record<string, unknown>;
  attachments: { name: string; sha256: string; content_type: string; size: number }[];
  replaces: string | null;
}

type Scripted =
  | { kind: 'network' }
  /** Handle the request (commit!), then lose the answer on the way back. */
  | { kind: 'lose_response' }
  | { kind: 'answer'; status: number; body?: unknown; headers?: Record<string, string> };

interface Script {
  method: string;
  path: RegExp;
  action: Scripted;
  times: number;
  when?: (request: RecordedRequest) => boolean;
}

const VISIT_FIELDS = [
  'answers',
  'attachments',
  'case_id',
  'finalized_at',
  'form_key',
  'form_version',
  'replaces',
  'visited_on',
];
const NAME = /^[a-z0-9][a-z0-9_-]{0,79}\.(png|jpg)$/;

export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  readonly visits = new Map<string, StoredVisit>();
  readonly cases = new Map<string, { version: number; detail: Record<string, unknown> }>();
  readonly conflicts: { case_id: string; body: unknown }[] = [];
  readonly forms = new Map<string, unknown>([
    ['keukentafelgesprek/1', { key: 'keukentafelgesprek', version: 1 }],
  ]);
  /** Pages by the `since` they answer ('' for the first sync). */
  readonly pages = new Map<string, ChangesPage>();
  /** Follow-ups, by the rules of api/followups (fake-followups.ts). */
  readonly followups = new FakeFollowups();
  token = 'token-1';
  private expired = new Set<string>();
  private sessionEnded = false;
  private revoked = false;
  private scripts: Script[] = [];

  /** The next `times` matching requests get this treatment instead of (or after) the usual. */
  script(
    method: string,
    path: RegExp,
    action: Scripted,
    times = 1,
    when?: (request: RecordedRequest) => boolean,
  ): void {
    this.scripts.push({ method, path, action, times, when });
  }

  expireToken(): void {
    this.expired.add(this.token);
  }

  issueToken(token: string): void {
    this.token = token;
  }

  revokeDevice(): void {
    this.revoked = true;
  }

  endSession(): void {
    this.sessionEnded = true;
  }

  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  readonly fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const request = await record(input, init);
    this.requests.push(request);
    const script = this.scripts.find(
      (s) =>
        s.method === request.method &&
        s.path.test(request.path) &&
        s.times > 0 &&
        (!s.when || s.when(request)),
    );
    if (script) {
      script.times--;
      const action = script.action;
      if (action.kind === 'network') throw new TypeError('Failed to fetch');
      if (action.kind === 'answer') {
        return json(
          action.status,
          action.body ?? problem('scripted', 'Scripted answer'),
          action.headers,
        );
      }
      await this.handle(request); // lose_response: the server did the work
      throw new TypeError('Failed to fetch');
    }
    return this.handle(request);
  };

  private async handle(request: RecordedRequest): Promise<Response> {
    const refused = this.authenticate(request.token);
    if (refused) return refused;
    const { method, path } = request;
    let m: RegExpMatchArray | null;
    if (method === 'PUT' && (m = path.match(/^\/api\/visits\/([^/]+)$/)))
      return this.putVisit(m[1], request);
    if (method === 'PUT' && (m = path.match(/^\/api\/visits\/([^/]+)\/attachments\/([^/]+)$/))) {
      return this.putAttachment(m[1], decodeURIComponent(m[2]), request);
    }
    if (method === 'PUT' && (m = path.match(/^\/api\/cases\/([^/]+)$/)))
      return this.putCase(m[1], request);
    if (method === 'GET' && (m = path.match(/^\/api\/cases\/([^/]+)$/))) {
      const stored = this.cases.get(m[1]);
      return stored
        ? json(200, stored.detail)
        : json(404, problem('case_not_found', 'Case not found'));
    }
    const followup = this.followups.handle(request);
    if (followup) return json(followup.status, followup.body);
    if (method === 'POST' && /^\/api\/notifications\/[^/]+\/read$/.test(path))
      return new Response(null, { status: 204 });
    if (method === 'GET' && path === '/api/sync/changes') {
      const since = request.query.get('since') ?? '';
      const page = this.pages.get(since);
      // A cursor is never invalid: nothing new is an empty page with the same cursor.
      return json(
        200,
        page ?? {
          cursor: since || 'c1.0',
          more: false,
          cases: [],
          removed_case_ids: [],
          visits: [],
          forms: [],
        },
      );
    }
    if (method === 'GET' && (m = path.match(/^\/api\/forms\/([^/]+)\/([^/]+)$/))) {
      const form = this.forms.get(`${m[1]}/${m[2]}`);
      return form ? json(200, form) : json(404, problem('form_not_found', 'No such form'));
    }
    return json(404, problem('not_found', `No route ${method} ${path}`));
  }

  private authenticate(token: string | null): Response | null {
    if (this.revoked) return json(401, problem('device_revoked', 'This device has been revoked'));
    if (this.sessionEnded) return json(401, problem('session_ended', 'The session has ended'));
    if (token && this.expired.has(token))
      return json(401, problem('token_expired', 'The access token has expired'));
    if (token !== this.token)
      return json(401, problem('not_authenticated', 'Authentication required'));
    return null;
  }

  private async putVisit(id: string, request: RecordedRequest): Promise<Response> {
    if (request.contentType !== 'application/json')
      return json(415, problem('unsupported_media_type', 'JSON only'));
    let body: VisitBody;
    try {
      body = JSON.parse(request.text ?? '') as VisitBody;
    } catch {
      return json(400, problem('invalid_body', 'Not JSON'));
    }
    const invalid = validateVisit(body);
    if (invalid) return json(400, problem('invalid_body', invalid));
    const sha256 = await hashHex(new TextEncoder().encode(stableJson(body)));
    const stored = this.visits.get(id);
    if (stored) {
      if (stored.sha256 !== sha256)
        return json(409, problem('visit_conflict', 'A different visit is stored under this id'));
      return json(200, { outcome: 'duplicate', visit: this.visitView(id, stored) });
    }
    if (!this.forms.has(`${body.form_key}/${body.form_version}`)) {
      return json(422, problem('unknown_form', 'No published form with this key and version'));
    }
    const visit = { sha256, body, received: new Set<string>() };
    this.visits.set(id, visit);
    return json(201, { outcome: 'created', visit: this.visitView(id, visit) });
  }

  private async putAttachment(
    id: string,
    name: string,
    request: RecordedRequest,
  ): Promise<Response> {
    const visit = this.visits.get(id);
    if (!visit) return json(404, problem('visit_not_found', 'Visit not found'));
    const declared = visit.body.attachments.find((a) => a.name === name);
    if (!declared) return json(404, problem('attachment_not_declared', 'Not declared'));
    const bytes = request.bytes ?? new Uint8Array();
    if ((await hashHex(bytes)) !== declared.sha256 || bytes.length !== declared.size) {
      return json(
        409,
        problem('attachment_conflict', 'Other bytes than declared for this name', {
          declared_sha256: declared.sha256,
        }),
      );
    }
    if (request.contentType !== declared.content_type)
      return json(415, problem('unsupported_media_type', 'Wrong type'));
    const outcome = visit.received.has(name) ? 'duplicate' : 'created';
    visit.received.add(name);
    const missing = this.missing(visit);
    return json(outcome === 'created' ? 201 : 200, {
      outcome,
      name,
      missing_attachments: missing,
      complete: missing.length === 0,
    });
  }

  private async putCase(id: string, request: RecordedRequest): Promise<Response> {
    const body = JSON.parse(request.text ?? '{}') as { base_version?: number | null };
    const stored = this.cases.get(id);
    if (!stored) {
      if (body.base_version != null) return json(404, problem('case_not_found', 'Case not found'));
      const detail = { id, version: 1, ...body };
      this.cases.set(id, { version: 1, detail });
      return json(201, detail);
    }
    if (body.base_version !== stored.version) {
      this.conflicts.push({ case_id: id, body });
      return json(
        409,
        problem('case_conflict', 'The case changed since this edit was based on it', {
          conflict_id: `conflict-${this.conflicts.length}`,
        }),
      );
    }
    stored.version++;
    stored.detail = { ...stored.detail, ...body, version: stored.version };
    return json(200, stored.detail);
  }

  private missing(visit: StoredVisit): string[] {
    return visit.body.attachments.map((a) => a.name).filter((name) => !visit.received.has(name));
  }

  private visitView(id: string, visit: StoredVisit) {
    const missing = this.missing(visit);
    return {
      id,
      case_id: visit.body.case_id,
      state: missing.length ? 'awaiting_attachments' : 'submitted',
      missing_attachments: missing,
      body_sha256: visit.sha256,
    };
  }
}

function validateVisit(body: VisitBody): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'not an object';
  const keys = Object.keys(body).sort();
  if (keys.join() !== VISIT_FIELDS.join()) return `fields ${keys.join()}`;
  if (!Array.isArray(body.attachments)) return 'attachments';
  for (const a of body.attachments) {
    if (!NAME.test(a.name) || !/^[0-9a-f]{64}$/.test(a.sha256) || !(a.size >= 1))
      return `attachment ${a.name}`;
  }
  return null;
}

/** The canonical form, written independently of src/sync/canonical.ts (ASCII keys suffice here). */
function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

async function hashHex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function record(input: string, init: RequestInit): Promise<RecordedRequest> {
  const url = new URL(input, 'http://fake.test');
  const headers = new Headers(init.headers);
  const auth = headers.get('Authorization');
  let text: string | null = null;
  let bytes: Uint8Array | null = null;
  if (typeof init.body === 'string') text = init.body;
  else if (init.body instanceof Blob) bytes = new Uint8Array(await init.body.arrayBuffer());
  let canonical: boolean | null = null;
  if (text !== null) {
    try {
      canonical = stableJson(JSON.parse(text)) === text;
    } catch {
      canonical = false;
    }
  }
  return {
    method: init.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    token: auth?.startsWith('Bearer ') ? auth.slice(7) : null,
    contentType: headers.get('Content-Type'),
    text,
    bytes,
    canonical,
  };
}

function problem(code: string, title: string, extra: Record<string, unknown> = {}) {
  return { type: 'about:blank', code, title, detail: title, ...extra };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': type, ...headers },
  });
}
