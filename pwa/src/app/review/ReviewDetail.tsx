/**
 * One visit in the review: its facts, an earlier decision if any, the report, and the decision
 * form while it waits for one. Keyed by id by the screen, so each visit starts fresh and its
 * report's blob URL goes with it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { callApi, callApiBlob } from '../online';
import { session } from '../session';
import { formatDate, formatDateTime, t } from '../i18n';
import {
  fetchReport,
  reviewProblem,
  visitPath,
  type Decision,
  type ReviewProblem,
  type ReviewVisitDetail,
} from './api';
import { DecisionForm } from './DecisionForm';
import type { VisitTitle } from './formTitle';
import { ReportView, type ReportState } from './ReportView';

interface Props {
  id: string;
  title: VisitTitle;
  offline: boolean;
  /** The server took the decision; the visit as it now stands. */
  onDecided: (detail: ReviewVisitDetail, decision: Decision) => void;
  /** The visit was decided elsewhere first: the queue is out of date. */
  onStale: () => void;
}

export function ReviewDetail({ id, title, offline, onDecided, onStale }: Props) {
  const m = t.value.review;
  const [detail, setDetail] = useState<ReviewVisitDetail | null>(null);
  const [loadProblem, setLoadProblem] = useState<ReviewProblem | null>(null);
  const [report, setReport] = useState<ReportState>({ kind: 'loading' });
  const [sendProblem, setSendProblem] = useState<ReviewProblem | null>(null);
  const alive = useRef(true);
  const blobUrl = useRef<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const problemRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    alive.current = true;
    void loadDetail(true);
    return () => {
      alive.current = false;
      if (blobUrl.current) URL.revokeObjectURL(blobUrl.current);
      blobUrl.current = null;
    };
  }, []);

  // The link that opened this visit may be gone (on a tablet the list makes way): the
  // visit's heading takes the focus, as a new page would.
  const focused = useRef(false);
  useEffect(() => {
    if (focused.current) return;
    if (detail) heading.current?.focus();
    else if (loadProblem) problemRef.current?.focus();
    else return;
    focused.current = true;
  }, [detail, loadProblem]);

  useEffect(() => {
    if (sendProblem) problemRef.current?.focus();
  }, [sendProblem]);

  async function loadDetail(withReport: boolean) {
    const answer = await callApi<ReviewVisitDetail>('GET', visitPath(id));
    if (!alive.current) return;
    if (!answer.ok || !answer.data) {
      setLoadProblem(reviewProblem(answer));
      return;
    }
    setLoadProblem(null);
    setDetail(answer.data);
    if (withReport) await loadReport(answer.data);
  }

  async function loadReport(visit: ReviewVisitDetail) {
    if (visit.report?.state === 'failed') {
      setReport({ kind: 'failed', reason: visit.report.failure });
      return;
    }
    setReport({ kind: 'loading' });
    const outcome = await fetchReport({
      getPdf: () => callApiBlob(visitPath(id, '/report.pdf'), 'application/pdf'),
      getDetail: () => callApi<ReviewVisitDetail>('GET', visitPath(id)),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      onPending: () => setReport({ kind: 'pending' }),
      cancelled: () => !alive.current,
    });
    if (!outcome) return;
    if (outcome.kind === 'ready') {
      if (blobUrl.current) URL.revokeObjectURL(blobUrl.current);
      blobUrl.current = URL.createObjectURL(outcome.blob);
      // Before approval the server serves the draft; after it the sealed final.
      const draft = visit.report ? visit.report.kind === 'draft' : visit.state !== 'approved';
      setReport({ kind: 'ready', url: blobUrl.current, draft });
    } else if (outcome.kind === 'pending') setReport({ kind: 'still_pending' });
    else setReport(outcome);
  }

  async function decide(decision: Decision, comment: string): Promise<ReviewProblem | null> {
    setSendProblem(null);
    const answer = await callApi<ReviewVisitDetail>('POST', visitPath(id, '/review'), { decision, comment });
    if (!alive.current) return null;
    if (answer.ok && answer.data) {
      onDecided(answer.data, decision);
      return null;
    }
    const problem = reviewProblem(answer);
    if (problem === 'comment_required') return problem; // the form says it at the field
    setSendProblem(problem);
    if (problem === 'not_reviewable') {
      // Someone decided first: show the visit as it now stands, and the list without it.
      onStale();
      await loadDetail(false);
    }
    return problem;
  }

  const isOwn = detail !== null && detail.worker.id === session.value?.user.id;
  return (
    <section
      class="review-detail"
      aria-labelledby="review-detail-title"
      data-testid="review-detail"
      data-id={id}
      data-state={detail?.state ?? ''}
    >
      <p class="back">
        <a href="/beoordelen" data-testid="review-back">
          ← {m.back}
        </a>
      </p>
      {!detail && !loadProblem && <p role="status">{m.loading}</p>}
      {loadProblem && !detail && (
        <>
          <h2 id="review-detail-title">{m.outcome}</h2>
          <p class="error" role="alert" tabIndex={-1} ref={problemRef} data-testid="review-error" data-code={loadProblem}>
            {m.problems[loadProblem]}
          </p>
          {(loadProblem === 'offline' || loadProblem === 'other') && (
            <button type="button" class="secondary" disabled={offline} onClick={() => void loadDetail(true)}>
              {m.retry}
            </button>
          )}
        </>
      )}
      {detail && (
        <>
          <h2 id="review-detail-title" tabIndex={-1} ref={heading}>
            {title(detail)} · {detail.address ?? m.noAddress}
          </h2>
          <dl class="facts">
            <dt>{m.worker}</dt>
            <dd>{detail.worker.display_name}</dd>
            <dt>{m.visitDate}</dt>
            <dd>{formatDate(detail.visited_on)}</dd>
            <dt>{m.receivedAt}</dt>
            <dd>{formatDateTime(detail.received_at)}</dd>
            <dt>{m.state}</dt>
            <dd>
              <span class={`tag state-${detail.state}`}>{t.value.visits.state[detail.state] ?? detail.state}</span>
            </dd>
            {detail.replaces && (
              <>
                <dt>{m.correctionOf}</dt>
                <dd>
                  <a href={`/beoordelen/${detail.replaces}`}>{m.previousVersion}</a>
                </dd>
              </>
            )}
          </dl>
          {detail.review && (
            <div class="notice" data-testid="review-outcome" data-decision={detail.review.decision}>
              <p>
                <strong>{m.decisionNames[detail.review.decision]}</strong>{' '}
                {m.reviewedBy(detail.review.reviewer.display_name, formatDateTime(detail.review.decided_at))}
              </p>
              {detail.review.comment && <p class="comment">{detail.review.comment}</p>}
            </div>
          )}
          {sendProblem && (
            <p class="error" role="alert" tabIndex={-1} ref={problemRef} data-testid="review-error" data-code={sendProblem}>
              {sendProblem === 'offline' || sendProblem === 'other' ? `${m.notSent} ` : ''}
              {m.problems[sendProblem]}
            </p>
          )}
          <div class="review-body">
            <section class="report" aria-labelledby="report-title">
              <h3 id="report-title">{m.report}</h3>
              <ReportView report={report} visit={detail} onRetry={() => void loadReport(detail)} offline={offline} />
            </section>
            {detail.state === 'submitted' && (
              <DecisionForm busyDisabled={offline} own={isOwn} onDecide={decide} />
            )}
          </div>
        </>
      )}
    </section>
  );
}
