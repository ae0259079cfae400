/**
 * Calls that only make sense with a network (administration, review). They are never queued:
 * the administrator or supervisor sees at once whether it worked. Sync traffic goes through
 * src/sync instead.
 */
import { session } from './session';
import { engine } from './services';

export interface OnlineAnswer<T> {
  ok: boolean;
  /** 0 when no answer arrived (offline, server unreachable). */
  status: number;
  data: T | null;
  /** The problem's detail, for the screen. */
  detail: string | null;
  /** The problem's stable `code`, for the screen to branch on. */
  code: string | null;
}

export async function callApi<T>(method: string, path: string, body?: unknown): Promise<OnlineAnswer<T>> {
  const response = await send(method, path, 'application/json, application/problem+json', body);
  if (!response) return { ok: false, status: 0, data: null, detail: null, code: null };
  const json: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  return answer(response, response.ok ? (json as T) : null, json);
}

/**
 * A file the API serves (a report PDF). Fetched with the token in the header like every other
 * call, never in the URL, where it would end up in logs and the browser's history.
 */
export async function callApiBlob(path: string, accept: string): Promise<OnlineAnswer<Blob>> {
  const response = await send('GET', path, `${accept}, application/problem+json`);
  if (!response) return { ok: false, status: 0, data: null, detail: null, code: null };
  if (response.ok) {
    const blob = await response.blob().catch(() => null);
    // A body cut off mid-way is no file to show.
    if (!blob) return { ok: false, status: 0, data: null, detail: null, code: null };
    return answer(response, blob, null);
  }
  return answer<Blob>(response, null, await response.json().catch(() => null));
}

function answer<T>(response: Response, data: T | null, json: unknown): OnlineAnswer<T> {
  const problem = (response.ok ? null : json) as { detail?: string; title?: string; code?: string } | null;
  return {
    ok: response.ok,
    status: response.status,
    data,
    detail: response.ok ? null : (problem?.detail ?? problem?.title ?? String(response.status)),
    code: response.ok ? null : (problem?.code ?? null),
  };
}

/** One request; an expired access token is refreshed once and the request sent again. */
async function send(method: string, path: string, accept: string, body?: unknown): Promise<Response | null> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { Accept: accept };
    const token = session.value?.access_token;
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      return null;
    }
    // A supervisor reviews for longer than an access token lives (15 minutes by default).
    if (response.status !== 401 || attempt > 0 || !token) return response;
    const problem = (await response.clone().json().catch(() => null)) as { code?: string } | null;
    if (problem?.code !== 'token_expired') return response;
    try {
      if ((await engine.refreshTokens()) !== 'refreshed') return response;
    } catch {
      return null; // the refresh met no network: as good as no answer
    }
  }
}
