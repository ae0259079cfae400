/**
 * The supervisor's review as the server shows it: the wire types of the queue and of one
 * visit, how a report that is still being rendered is waited for, and which of the server's
 * problems the screen explains how. Online only: nothing here is kept on the device.
 */
import type { ServerVisitState } from '../../db';
import type { PersonRef } from '../cases';
import type { OnlineAnswer } from '../online';

/** One row of `GET /api/visits` (VisitSummary). */
export interface ReviewVisit {
  id: string;
  case_id: string;
  form_key: string;
  form_version: number;
  /** YYYY-MM-DD */
  visited_on: string;
  received_at: string;
  worker: PersonRef;
  state: ServerVisitState;
  missing_attachments: string[];
  /** A correction names the returned visit it replaces. */
  replaces: string | null;
  review_comment: string | null;
  address: string | null;
}

export type Decision = 'approve' | 'return';

export interface ReviewRecord {
  decision: Decision;
  comment: string;
  reviewer: PersonRef;
  decided_at: string;
}

export interface ReportInfo {
  id: string;
  kind: 'draft' | 'final';
  state: 'pending' | 'ready' | 'failed';
  failure: string | null;
  sha256: string | null;
}

/** `GET /api/visits/{id}` (VisitDetail); the answers stay loose: the report shows them. */
export interface ReviewVisitDetail extends ReviewVisit {
  answers: Record<string, unknown>;
  attachments: unknown[];
  complete: boolean;
  body_sha256: string;
  suggestions: unknown[];
  review: ReviewRecord | null;
  report: ReportInfo | null;
}

/** One page of the queue; a full page means there may be more. */
export const QUEUE_PAGE = 50;

export function queuePath(offset: number): string {
  return `/api/visits?state=submitted&order=oldest&limit=${QUEUE_PAGE}&offset=${offset}`;
}

export function visitPath(id: string, rest = ''): string {
  return `/api/visits/${encodeURIComponent(id)}${rest}`;
}

/** The server's problems, as the screen tells them apart. */
export type ReviewProblem =
  | 'offline'
  | 'not_reviewable'
  | 'forbidden'
  | 'comment_required'
  | 'not_found'
  | 'session'
  | 'other';

export function reviewProblem(answer: Pick<OnlineAnswer<unknown>, 'status' | 'code'>): ReviewProblem {
  if (answer.status === 0) return 'offline';
  switch (answer.code) {
    case 'visit_not_reviewable':
      return 'not_reviewable';
    case 'comment_required':
      return 'comment_required';
    case 'visit_not_found':
      return 'not_found';
    case 'forbidden':
      return 'forbidden';
  }
  if (answer.status === 401) return 'session';
  if (answer.status === 403) return 'forbidden';
  if (answer.status === 404) return 'not_found';
  return 'other';
}

export type ReportOutcome =
  | { kind: 'ready'; blob: Blob }
  | { kind: 'failed'; reason: string | null }
  /** Still not rendered after every retry: the supervisor may try again later. */
  | { kind: 'pending' }
  | { kind: 'error'; problem: ReviewProblem };

export interface ReportFetch {
  getPdf: () => Promise<OnlineAnswer<Blob>>;
  getDetail: () => Promise<OnlineAnswer<ReviewVisitDetail>>;
  sleep: (ms: number) => Promise<void>;
  /** The report is not ready: called before each wait, so the screen can say so. */
  onPending?: () => void;
  /** The screen went away: stop without another request. */
  cancelled?: () => boolean;
  delays?: readonly number[];
}

/** About twenty seconds in all: a report renders in a second or two when the worker is idle. */
export const REPORT_RETRY_DELAYS: readonly number[] = [1000, 2000, 3000, 5000, 8000];

/**
 * The report PDF, waiting a little while the background worker renders it. The PDF call only
 * says "not ready"; the visit's detail says whether it is still pending or why it failed.
 * Resolves to null when cancelled.
 */
export async function fetchReport(options: ReportFetch): Promise<ReportOutcome | null> {
  const delays = options.delays ?? REPORT_RETRY_DELAYS;
  const cancelled = options.cancelled ?? (() => false);
  for (let attempt = 0; ; attempt++) {
    const pdf = await options.getPdf();
    if (cancelled()) return null;
    if (pdf.ok && pdf.data) return { kind: 'ready', blob: asPdf(pdf.data) };
    if (pdf.code !== 'report_not_ready') return { kind: 'error', problem: reviewProblem(pdf) };
    const detail = await options.getDetail();
    if (cancelled()) return null;
    const report = detail.data?.report;
    if (report?.state === 'failed') return { kind: 'failed', reason: report.failure };
    if (attempt >= delays.length) return { kind: 'pending' };
    options.onPending?.();
    await options.sleep(delays[attempt]);
    if (cancelled()) return null;
  }
}

/** The viewer picks how to show a blob URL by the blob's type, not by the server's header. */
function asPdf(blob: Blob): Blob {
  return blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' });
}

/** A file name that says what the download is, for the supervisor's downloads folder. */
export function reportFileName(visit: Pick<ReviewVisit, 'form_key' | 'visited_on' | 'id'>, draft: boolean): string {
  const suffix = draft ? '-concept' : '';
  return `verslag-${visit.form_key}-${visit.visited_on}-${visit.id.slice(0, 8)}${suffix}.pdf`;
}
