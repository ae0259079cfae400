/** The injected HTTP edge. */
import { describe, expect, it } from 'vitest';
import { Api } from '../src/sync/http';

describe('Api', () => {
  it('calls the injected fetch unbound, so the browser fetch can be passed as it is', async () => {
    let self: unknown = 'not called';
    const api = new Api({
      baseUrl: 'https://api.test',
      auth: { accessToken: () => 'tok', refresh: async () => 'refreshed' },
      fetch: function (this: unknown, url, init) {
        self = this;
        expect(url).toBe('https://api.test/api/x');
        expect(new Headers(init.headers).get('Authorization')).toBe('Bearer tok');
        return Promise.resolve(new Response(null, { status: 204 }));
      },
    });
    expect(await api.send({ method: 'POST', path: '/api/x' })).toMatchObject({
      kind: 'response',
      status: 204,
    });
    expect(self).toBeUndefined();
  });

  it('shares one token refresh between callers', async () => {
    let refreshes = 0;
    const api = new Api({
      fetch: () => Promise.reject(new TypeError('offline')),
      auth: {
        accessToken: () => 'tok',
        refresh: async () => {
          refreshes++;
          return 'refreshed';
        },
      },
    });
    await Promise.all([api.refresh(), api.refresh(), api.refresh()]);
    expect(refreshes).toBe(1);
  });

  it('reports no answer as a network error, not as a status', async () => {
    const api = new Api({
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
      auth: { accessToken: () => 'tok', refresh: async () => 'refreshed' },
    });
    expect(await api.send({ method: 'GET', path: '/api/x' })).toEqual({
      kind: 'network',
      error: 'Failed to fetch',
    });
  });
});
