/**
 * The queue of visits waiting for a decision, oldest first, fetched a page at a time. Kept by
 * the screen rather than by the list: a decision in the visit's pane reloads it too.
 */
import { useEffect, useState } from 'preact/hooks';
import { callApi } from '../online';
import { QUEUE_PAGE, queuePath, reviewProblem, type ReviewProblem, type ReviewVisit } from './api';

export interface ReviewQueueState {
  /** null until the first page arrives. */
  visits: ReviewVisit[] | null;
  /** The last page was full: there may be more. */
  more: boolean;
  loading: boolean;
  problem: ReviewProblem | null;
  /** From the top (0) or the next page (the number already listed). */
  load: (offset?: number) => Promise<void>;
  /** Takes a decided visit off the list at once, before the server's answer to a reload. */
  drop: (id: string) => void;
}

export function useReviewQueue(offline: boolean): ReviewQueueState {
  const [visits, setVisits] = useState<ReviewVisit[] | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<ReviewProblem | null>(null);

  async function load(offset = 0) {
    setLoading(true);
    const answer = await callApi<ReviewVisit[]>('GET', queuePath(offset));
    setLoading(false);
    if (!answer.ok || !answer.data) {
      setProblem(reviewProblem(answer));
      return;
    }
    const page = answer.data;
    setProblem(null);
    setVisits((known) => {
      if (offset === 0 || !known) return page;
      // A visit decided meanwhile shifts the pages: never list one twice.
      const seen = new Set(known.map((visit) => visit.id));
      return [...known, ...page.filter((visit) => !seen.has(visit.id))];
    });
    setMore(page.length === QUEUE_PAGE);
  }

  function drop(id: string) {
    setVisits((known) => known?.filter((visit) => visit.id !== id) ?? null);
  }

  // Loads on arrival and again when the network comes back.
  useEffect(() => {
    if (!offline) void load();
  }, [offline]);

  return { visits, more, loading, problem, load, drop };
}
