/** The supervisor's review: waiting for a report being rendered, and telling problems apart. */
import { describe, expect, it } from 'vitest';
import type { OnlineAnswer } from '../src/app/online';
import {
  fetchReport,
  reviewProblem,
  type ReportInfo,
  type ReviewVisitDetail,
} from '../src/app/review/api';

function ok<T>(data: T): OnlineAnswer<T> {
  return { ok: true, status: 200, data, detail: null, code: null };
}

function refused<T>(status: number, code: string | null): OnlineAnswer<T> {
  return { ok: false, status, data: null, detail: code ?? String(status), code };
}

const NOT_READY = refused<Blob>(409, 'report_not_ready');

function detailWith(report: Partial<ReportInfo> | null): OnlineAnswer<ReviewVisitDetail> {
  const info: ReportInfo | null = report && {
    id: 'r1',
    kind: 'draft',
    state: 'pending',
    failure: null,
    sha256: null,
    ...report,
  };
  return ok({ report: info } as ReviewVisitDetail);
}

/** Answers in turn; the last one repeats. */
function script<T>(...answers: T[]) {
  let calls = 0;
  const next = () => Promise.resolve(answers[Math.min(calls++, answers.length - 1)]);
  return Object.assign(next, { calls: () => calls });
}

function sleeper() {
  const waits: number[] = [];
  return { waits, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
}

describe('fetchReport', () => {
  it('waits while the report is being made and shows it once it is there', async () => {
    const pdf = new Blob(['%PDF-1.7'], { type: 'application/octet-stream' });
    const getPdf = script(NOT_READY, NOT_READY, ok(pdf));
    const { waits, sleep } = sleeper();
    let pending = 0;

    const outcome = await fetchReport({
      getPdf,
      getDetail: script(detailWith({ state: 'pending' })),
      sleep,
      onPending: () => pending++,
      delays: [10, 20, 30],
    });

    expect(outcome?.kind).toBe('ready');
    // Shown as a PDF whatever type the response carried.
    expect(outcome?.kind === 'ready' && outcome.blob.type).toBe('application/pdf');
    expect(waits).toEqual([10, 20]);
    expect(pending).toBe(2);
    expect(getPdf.calls()).toBe(3);
  });

  it('gives the reason when rendering failed, without waiting', async () => {
    const { waits, sleep } = sleeper();
    const outcome = await fetchReport({
      getPdf: script(NOT_READY),
      getDetail: script(detailWith({ state: 'failed', failure: 'Handtekening onleesbaar' })),
      sleep,
      delays: [10],
    });
    expect(outcome).toEqual({ kind: 'failed', reason: 'Handtekening onleesbaar' });
    expect(waits).toEqual([]);
  });

  it('stops after the last retry and says the report is still pending', async () => {
    const { waits, sleep } = sleeper();
    const getPdf = script(NOT_READY);
    const outcome = await fetchReport({
      getPdf,
      getDetail: script(detailWith(null)),
      sleep,
      delays: [10, 20],
    });
    expect(outcome).toEqual({ kind: 'pending' });
    expect(waits).toEqual([10, 20]);
    expect(getPdf.calls()).toBe(3);
  });

  it('reports other problems at once and stops quietly when the screen went away', async () => {
    const { sleep } = sleeper();
    expect(
      await fetchReport({
        getPdf: script(refused<Blob>(404, 'visit_not_found')),
        getDetail: script(detailWith(null)),
        sleep,
      }),
    ).toEqual({ kind: 'error', problem: 'not_found' });

    let gone = false;
    const getPdf = script(NOT_READY);
    const outcome = await fetchReport({
      getPdf,
      getDetail: script(detailWith({ state: 'pending' })),
      sleep: () => ((gone = true), Promise.resolve()),
      cancelled: () => gone,
    });
    expect(outcome).toBeNull();
    expect(getPdf.calls()).toBe(1);
  });
});

describe('reviewProblem', () => {
  it.each([
    [0, null, 'offline'],
    [409, 'visit_not_reviewable', 'not_reviewable'],
    [403, 'forbidden', 'forbidden'],
    [422, 'comment_required', 'comment_required'],
    [404, 'visit_not_found', 'not_found'],
    [401, 'session_ended', 'session'],
    [403, null, 'forbidden'],
    [500, 'internal', 'other'],
  ] as const)('%s %s is %s', (status, code, expected) => {
    expect(reviewProblem({ status, code })).toBe(expected);
  });
});
