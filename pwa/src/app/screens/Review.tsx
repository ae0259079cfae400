/**
 * The supervisor's review: the visits waiting for a decision (oldest first) and, for one of
 * them, the draft report and the decision. On a wide screen the list and the visit stand side
 * by side; on a tablet one at a time. Online only: the reports and decisions live on the server.
 * The parts live in ../review/; this screen holds what they share: the queue and the
 * confirmation of the decision just taken.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { db, syncStatus } from '../services';
import { hasRole } from '../session';
import { useLive } from '../live';
import { t } from '../i18n';
import type { Decision, ReviewVisitDetail } from '../review/api';
import { formTitle, type VisitTitle } from '../review/formTitle';
import { ReviewDetail } from '../review/ReviewDetail';
import { ReviewQueue } from '../review/ReviewQueue';
import { useReviewQueue } from '../review/useReviewQueue';

export function Review({ id }: { id?: string }) {
  if (!hasRole('supervisor')) {
    const m = t.value.review;
    return (
      <>
        <h1>{m.title}</h1>
        <p class="notice" data-testid="review-not-supervisor">
          {m.notSupervisor}
        </p>
      </>
    );
  }
  return <ReviewScreen id={id} />;
}

/** The confirmation of the decision just taken, shown where the visit was. */
interface Done {
  decision: Decision;
  text: string;
}

function ReviewScreen({ id }: { id?: string }) {
  const m = t.value.review;
  const { route } = useLocation();
  const offline = syncStatus.value?.online === false;
  const forms = useLive(() => db.forms.toArray(), []);
  const queue = useReviewQueue(offline);
  const [done, setDone] = useState<Done | null>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);

  // The confirmation replaces the visit that was just decided: focus goes there, and a
  // screen reader reads it, instead of focus falling back to the top of the page.
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  useEffect(() => {
    if (id) setDone(null);
  }, [id]);

  const title: VisitTitle = (visit) => formTitle(forms, visit.form_key, visit.form_version);

  function decided(detail: ReviewVisitDetail, decision: Decision) {
    const what = `${title(detail)}, ${detail.address ?? m.noAddress}`;
    setDone({
      decision,
      text: decision === 'approve' ? m.approved(what) : m.returned(what, detail.worker.display_name),
    });
    // At once from the list, then the server's own view (other supervisors decide too).
    queue.drop(detail.id);
    route('/beoordelen');
    void queue.load();
  }

  return (
    <div class={`review${id ? ' has-detail' : ''}`}>
      <h1>{m.title}</h1>
      {offline && (
        <p class="notice warn-box" data-testid="review-offline">
          {m.needsNetwork}
        </p>
      )}
      {done && (
        <p
          class="notice"
          role="status"
          tabIndex={-1}
          ref={doneRef}
          data-testid="review-done"
          data-decision={done.decision}
        >
          {done.text}
        </p>
      )}
      <div class="review-panes">
        <ReviewQueue queue={queue} openId={id} title={title} offline={offline} />
        {id ? (
          <ReviewDetail
            key={id}
            id={id}
            title={title}
            offline={offline}
            onDecided={decided}
            onStale={() => void queue.load()}
          />
        ) : (
          <p class="review-placeholder hint">{m.choose}</p>
        )}
      </div>
    </div>
  );
}
