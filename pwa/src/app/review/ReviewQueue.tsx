/** The list of visits waiting for a decision: each links to its visit, the open one marked. */
import { session } from '../session';
import { formatDate, formatDateTime, t } from '../i18n';
import type { VisitTitle } from './formTitle';
import type { ReviewQueueState } from './useReviewQueue';

interface Props {
  queue: ReviewQueueState;
  /** The visit open beside the list, if any. */
  openId?: string;
  title: VisitTitle;
  offline: boolean;
}

export function ReviewQueue({ queue, openId, title, offline }: Props) {
  const m = t.value.review;
  const { visits, more, loading, problem, load } = queue;
  const me = session.value?.user.id;
  return (
    <section class="review-queue" aria-labelledby="review-queue-title" data-testid="review-queue">
      <div class="queue-head">
        <h2 id="review-queue-title">{m.queue}</h2>
        <button type="button" class="secondary" disabled={loading || offline} onClick={() => void load()}>
          {loading ? m.loading : m.refresh}
        </button>
      </div>
      {problem && (
        <p class="error" role="alert" data-testid="review-queue-error" data-code={problem}>
          {problem === 'forbidden' ? m.notSupervisor : m.problems[problem]}
        </p>
      )}
      {visits?.length === 0 && <p data-testid="review-empty">{m.empty}</p>}
      {visits && visits.length > 0 && <p class="hint">{m.count(visits.length)}</p>}
      <ul class="review-list">
        {(visits ?? []).map((visit) => (
          <li key={visit.id} data-testid="review-item" data-id={visit.id}>
            <a
              class="review-link"
              href={`/beoordelen/${visit.id}`}
              aria-current={visit.id === openId ? 'page' : undefined}
            >
              <strong>{title(visit)}</strong>
              <span>{visit.address ?? m.noAddress}</span>
              <span>
                {m.by(visit.worker.display_name)} · {m.visitedOn(formatDate(visit.visited_on))}
              </span>
              <span class="hint">{m.received(formatDateTime(visit.received_at))}</span>
              {(visit.replaces || visit.worker.id === me) && (
                <span class="tags">
                  {visit.replaces && (
                    <span class="tag" data-testid="review-correction">
                      {m.correction}
                    </span>
                  )}
                  {visit.worker.id === me && <span class="tag">{m.ownVisitTag}</span>}
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
      {more && (
        <p>
          <button
            type="button"
            class="secondary"
            disabled={loading || offline}
            data-testid="review-more"
            onClick={() => void load(visits?.length ?? 0)}
          >
            {m.more}
          </button>
        </p>
      )}
    </section>
  );
}
