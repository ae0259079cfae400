/**
 * The visit's report: the PDF in a frame with a download link once it is there, and meanwhile
 * what is going on: still being rendered, failed (with the reason), or not fetched (retry).
 */
import { t } from '../i18n';
import { reportFileName, type ReviewProblem, type ReviewVisitDetail } from './api';

/** Where fetching the report stands; the visit's pane fetches it and owns the blob URL. */
export type ReportState =
  | { kind: 'loading' }
  | { kind: 'pending' }
  | { kind: 'still_pending' }
  | { kind: 'failed'; reason: string | null }
  | { kind: 'error'; problem: ReviewProblem }
  | { kind: 'ready'; url: string; draft: boolean };

interface Props {
  report: ReportState;
  visit: ReviewVisitDetail;
  onRetry: () => void;
  offline: boolean;
}

export function ReportView({ report, visit, onRetry, offline }: Props) {
  const m = t.value.review;
  const retry = (
    <button type="button" class="secondary" disabled={offline} data-testid="report-retry" onClick={onRetry}>
      {m.retry}
    </button>
  );
  switch (report.kind) {
    case 'loading':
      return <p role="status">{m.reportLoading}</p>;
    case 'pending':
      return (
        <p role="status" data-testid="report-pending">
          {m.reportPending}
        </p>
      );
    case 'still_pending':
      return (
        <>
          <p role="status" data-testid="report-pending">
            {m.reportStillPending}
          </p>
          {retry}
        </>
      );
    case 'failed':
      return (
        <div class="notice warn-box" data-testid="report-failed">
          <p>
            <strong>{m.reportFailed}</strong>
          </p>
          {report.reason && (
            <p>
              {m.reason}: {report.reason}
            </p>
          )}
        </div>
      );
    case 'error':
      return (
        <>
          <p class="error" data-testid="report-error" data-code={report.problem}>
            {m.reportError} {m.problems[report.problem]}
          </p>
          {retry}
        </>
      );
    case 'ready':
      return (
        <>
          <iframe
            class="report-frame"
            src={report.url}
            title={m.reportFrameTitle(report.draft)}
            data-testid="report-frame"
          />
          <p class="hint">{m.downloadHint}</p>
          <p>
            <a
              class="button secondary"
              href={report.url}
              download={reportFileName(visit, report.draft)}
              data-testid="report-download"
            >
              {m.download}
            </a>
          </p>
        </>
      );
  }
}
