/** The answer table of docs/sync-protocol.md, row by row. */
import { describe, expect, it } from 'vitest';
import { classify } from '../src/sync/classify';
import type { Answer } from '../src/sync/http';

function answer(status: number, code?: string, headers: Record<string, string> = {}): Answer {
  return {
    kind: 'response',
    status,
    headers: new Headers(headers),
    json: code ? { code, detail: `because ${code}` } : null,
  };
}

describe('classify', () => {
  it.each([200, 201, 204])('acknowledges %i', (status) => {
    expect(classify(answer(status), 0)).toEqual({ type: 'acknowledged', conflict: false });
  });

  it('acknowledges 409 case_conflict: the server kept the edit for a person', () => {
    expect(classify(answer(409, 'case_conflict'), 0)).toEqual({
      type: 'acknowledged',
      conflict: true,
    });
  });

  it('calls 409 followup_already_claimed overtaken: a colleague was first, the answer is final', () => {
    expect(classify(answer(409, 'followup_already_claimed'), 0)).toEqual({
      type: 'overtaken',
      status: 409,
      code: 'followup_already_claimed',
      detail: 'because followup_already_claimed',
    });
  });

  it.each([
    [409, 'visit_conflict'],
    [409, 'attachment_conflict'],
    [409, 'followup_conflict'],
    [409, 'followup_wrong_state'],
    [409, 'action_conflict'],
    [422, 'text_required'],
    [400, 'invalid_body'],
    [403, 'forbidden'],
    [404, 'case_not_found'],
    [413, 'attachment_quota'],
    [415, 'unsupported_media_type'],
    [422, 'invalid_answers'],
    [405, 'method_not_allowed'],
  ])('sets aside %i %s for good, with the reason', (status, code) => {
    expect(classify(answer(status, code), 0)).toEqual({
      type: 'set_aside',
      status,
      code,
      detail: `because ${code}`,
    });
  });

  it.each([408, 425, 429, 500, 502, 503, 504])('retries %i', (status) => {
    expect(classify(answer(status), 0)).toMatchObject({
      type: 'retry',
      status,
      retryAfterMs: null,
    });
  });

  it('retries after a network error', () => {
    expect(classify({ kind: 'network', error: 'Failed to fetch' }, 0)).toMatchObject({
      type: 'retry',
      code: 'network_error',
    });
  });

  it('carries Retry-After', () => {
    expect(classify(answer(503, undefined, { 'Retry-After': '7' }), 0)).toMatchObject({
      retryAfterMs: 7000,
    });
  });

  it.each([
    ['token_expired', { type: 'refresh' }],
    ['device_revoked', { type: 'revoked' }],
    ['session_ended', { type: 'sign_in', code: 'session_ended' }],
    ['account_disabled', { type: 'sign_in', code: 'account_disabled' }],
  ])('answers 401 %s', (code, verdict) => {
    expect(classify(answer(401, code), 0)).toEqual(verdict);
  });

  it('asks for a sign-in when there is no token at all', () => {
    expect(classify({ kind: 'no_token' }, 0)).toEqual({ type: 'sign_in', code: 'not_signed_in' });
  });
});
