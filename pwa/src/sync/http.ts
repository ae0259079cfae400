/**
 * The HTTP edge of sync. Everything here is injected (a fetch-like function and a token
 * provider), so the same code talks to the real API in the browser and to a fake in tests.
 */

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What refreshing the tokens came to. A network failure is thrown instead (retry later). */
export type RefreshOutcome = 'refreshed' | 'sign_in_required' | 'device_revoked';

export interface TokenProvider {
  /** The current access token, or null when nobody is signed in on this device. */
  accessToken(): string | null | Promise<string | null>;
  /** Rotate the pair with the refresh token (`POST /api/auth/refresh`). */
  refresh(): Promise<RefreshOutcome>;
}

/** RFC 9457 problem details as the API sends them, with its stable `code`. */
export interface Problem {
  code?: string;
  title?: string;
  detail?: string;
  [field: string]: unknown;
}

export type Answer =
  | { kind: 'response'; status: number; headers: Headers; json: unknown }
  | { kind: 'network'; error: string }
  | { kind: 'no_token' };

export interface ApiOptions {
  fetch: FetchLike;
  auth: TokenProvider;
  /** Prefix for every path, e.g. https://api.example.nl; empty for the same origin. */
  baseUrl?: string;
  /** A request that hangs blocks the whole ordered queue: give up after this and retry. */
  timeoutMs?: number;
}

export interface Request {
  method: string;
  path: string;
  body?: string | Blob;
  contentType?: string;
}

export class Api {
  private refreshing: Promise<RefreshOutcome> | null = null;

  constructor(private readonly options: ApiOptions) {}

  async send(request: Request): Promise<Answer> {
    const token = await this.options.auth.accessToken();
    if (!token) return { kind: 'no_token' };
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json, application/problem+json',
    };
    if (request.contentType) headers['Content-Type'] = request.contentType;
    const controller = new AbortController();
    // A photo over a weak mobile link needs longer than a JSON body: allow ~25 kB/s on top.
    const upload = request.body instanceof Blob ? (request.body.size / 25_000) * 1000 : 0;
    const timer = setTimeout(() => controller.abort(), (this.options.timeoutMs ?? 60_000) + upload);
    try {
      // Called unbound: window.fetch called as a method of our options object would throw
      // "Illegal invocation", so `fetch: window.fetch` can be passed as it is.
      const fetchFn = this.options.fetch;
      const response = await fetchFn(`${this.options.baseUrl ?? ''}${request.path}`, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: controller.signal,
        // Never a cached answer to a sync call.
        cache: 'no-store',
      });
      const json = await readJson(response);
      return { kind: 'response', status: response.status, headers: response.headers, json };
    } catch (error) {
      // fetch rejects only when no answer arrived (offline, DNS, reset, our timeout): the
      // server may still have committed, which the idempotent resend takes care of.
      return { kind: 'network', error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** One refresh at a time: a rotated refresh token must not be used twice. */
  refresh(): Promise<RefreshOutcome> {
    this.refreshing ??= this.options.auth.refresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }
}

async function readJson(response: Response): Promise<unknown> {
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return null;
  try {
    return await response.json();
  } catch {
    return null; // a truncated body: the status still decides
  }
}

export function problemOf(json: unknown): Problem {
  return json && typeof json === 'object' && !Array.isArray(json) ? (json as Problem) : {};
}
