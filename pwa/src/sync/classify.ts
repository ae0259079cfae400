/**
 * What an answer from the server means for one outbox record: the table "Answers per status"
 * of docs/sync-protocol.md, in one function so the flusher never decides on its own.
 */
import type { Answer } from './http';
import { problemOf } from './http';
import { parseRetryAfter } from './backoff';

export type Verdict =
  | { type: 'acknowledged'; conflict: boolean }
  | { type: 'set_aside'; status: number | null; code: string; detail: string }
  | {
      type: 'retry';
      status: number | null;
      code: string;
      detail: string;
      retryAfterMs: number | null;
    }
  /**
   * A colleague's change came first and the server's "no" is final, but the record held
   * nothing of the worker's (a claim has no text): nothing to keep or resend. The row is
   * settled with a notice for the worker instead of being set aside, where it would sit
   * visible for good and block logging out over work that never existed.
   */
  | { type: 'overtaken'; status: number; code: string; detail: string }
  | { type: 'refresh' }
  | { type: 'revoked' }
  | { type: 'sign_in'; code: string };

const SET_ASIDE = new Set([400, 403, 404, 413, 415, 422]);
const RETRY = new Set([408, 425, 429]);

export function classify(answer: Answer, now: number): Verdict {
  if (answer.kind === 'no_token') return { type: 'sign_in', code: 'not_signed_in' };
  if (answer.kind === 'network') {
    return {
      type: 'retry',
      status: null,
      code: 'network_error',
      detail: answer.error,
      retryAfterMs: null,
    };
  }
  const { status } = answer;
  const problem = problemOf(answer.json);
  const code = typeof problem.code === 'string' ? problem.code : `http_${status}`;
  const detail =
    typeof problem.detail === 'string'
      ? problem.detail
      : typeof problem.title === 'string'
        ? problem.title
        : `HTTP ${status}`;

  if (status >= 200 && status < 300) return { type: 'acknowledged', conflict: false };
  // The server kept the stale edit as a conflict for a person: it has the record.
  if (status === 409 && code === 'case_conflict') return { type: 'acknowledged', conflict: true };
  // The server raises this for a claim only, which sends no text (see records.ts).
  if (status === 409 && code === 'followup_already_claimed') {
    return { type: 'overtaken', status, code, detail };
  }
  if (status === 401) {
    if (code === 'token_expired') return { type: 'refresh' };
    if (code === 'device_revoked') return { type: 'revoked' };
    return { type: 'sign_in', code };
  }
  if (RETRY.has(status) || status >= 500) {
    return {
      type: 'retry',
      status,
      code,
      detail,
      retryAfterMs: parseRetryAfter(answer.headers.get('Retry-After'), now),
    };
  }
  // 409 visit_conflict / attachment_conflict, the listed 4xx, and any other 4xx the table does
  // not name (405, 410, another 409): a definite "no" that retrying cannot change. Setting it
  // aside keeps it (visible, exportable) without blocking the queue behind it.
  if (SET_ASIDE.has(status) || (status >= 400 && status < 500)) {
    return { type: 'set_aside', status, code, detail };
  }
  // 1xx/3xx should never reach us (fetch follows redirects): treat as passing trouble.
  return { type: 'retry', status, code, detail, retryAfterMs: null };
}
