/** When to try again after passing trouble: exponential, jittered, capped, and Retry-After wins. */

export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
/** A server asking for more than this is probably wrong; try again after an hour anyway. */
export const RETRY_AFTER_CAP_MS = 60 * 60_000;

/**
 * Delay before attempt `attempts + 1`, given `attempts` failures so far (1 for the first).
 * "Equal jitter": half the exponential step is fixed, half random, so a fleet of tablets that
 * come back online together spread out, yet none retries sooner than half the step.
 */
export function backoffDelay(attempts: number, random: () => number = Math.random): number {
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    ms = at - now;
  }
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, ms));
}

/** The next attempt's delay: the server's wish when it said one, our backoff otherwise. */
export function retryDelay(
  attempts: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number {
  // Retry-After: 0 from a struggling server must not become a tight loop.
  return retryAfterMs === null ? backoffDelay(attempts, random) : Math.max(1_000, retryAfterMs);
}
