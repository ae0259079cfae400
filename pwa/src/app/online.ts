/**
 * Calls that only make sense with a network (administration). They are never queued: the
 * administrator sees at once whether it worked. Sync traffic goes through src/sync instead.
 */
import { session } from './session';

export interface OnlineAnswer<T> {
  ok: boolean;
  status: number;
  data: T | null;
  /** The problem's detail, for the screen. */
  detail: string | null;
}

export async function callApi<T>(method: string, path: string, body?: unknown): Promise<OnlineAnswer<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = session.value?.access_token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    const json: unknown = response.status === 204 ? null : await response.json().catch(() => null);
    const problem = json as { detail?: string; title?: string } | null;
    return {
      ok: response.ok,
      status: response.status,
      data: response.ok ? (json as T) : null,
      detail: response.ok ? null : (problem?.detail ?? problem?.title ?? String(response.status)),
    };
  } catch {
    return { ok: false, status: 0, data: null, detail: null };
  }
}
