/** The service worker's push and click handling, as the pure helpers sw.ts wires up. */
import { describe, expect, it } from 'vitest';
import {
  isOpenMessage,
  NOTIFICATION_BODY,
  notificationFor,
  OPEN_MESSAGE,
  parsePayload,
  pickWindow,
  urlFor,
} from '../src/sw-notifications';

const FOLLOWUP_ID = '0b6f4c5e-8d1a-4a53-9c1e-3f2d1b0a9e87';
const PAYLOAD = JSON.stringify({
  type: 'followup_new',
  id: 'a1c0ffee-0000-4000-8000-000000000001',
  object_type: 'followup',
  object_id: FOLLOWUP_ID,
  title: 'Nieuwe vervolgactie voor uw organisatie',
});

describe('a push message', () => {
  it('shows the neutral title, a fixed body, the notification id as tag and what to open as data', () => {
    const { title, options } = notificationFor(parsePayload(PAYLOAD));
    expect(title).toBe('Nieuwe vervolgactie voor uw organisatie');
    expect(options).toMatchObject({
      body: NOTIFICATION_BODY,
      tag: 'a1c0ffee-0000-4000-8000-000000000001',
      data: { object_type: 'followup', object_id: FOLLOWUP_ID },
      lang: 'nl',
    });
    expect(NOTIFICATION_BODY).toBe('Open Keukentafel voor de details');
  });

  it('still shows a notification for an empty or unreadable message', () => {
    for (const text of [null, '', 'not json', '[1,2]', '{"title": 7}']) {
      const { title, options } = notificationFor(parsePayload(text));
      expect(title).toBe('Keukentafel');
      expect(options.body).toBe(NOTIFICATION_BODY);
      expect(urlFor(options.data)).toBe('/berichten');
    }
  });

  it('never shows more than the payload title says, cut to a sane length', () => {
    const long = JSON.stringify({ type: 'x', id: 'n', object_type: 'visit', object_id: 'v', title: 'x'.repeat(500) });
    expect(notificationFor(parsePayload(long)).title).toHaveLength(120);
  });
});

describe('tapping a notification', () => {
  it('opens the follow-up itself, and anything else in the inbox', () => {
    expect(urlFor({ object_type: 'followup', object_id: FOLLOWUP_ID })).toBe(`/vervolg/${FOLLOWUP_ID}`);
    expect(urlFor({ object_type: 'visit', object_id: FOLLOWUP_ID })).toBe('/berichten');
    expect(urlFor(undefined)).toBe('/berichten');
    // An id is never a way into another path.
    expect(urlFor({ object_type: 'followup', object_id: '../sync' })).toBe('/berichten');
  });

  it('uses an open window of the app, the focused or visible one first', () => {
    const origin = 'https://keukentafel.example';
    const windows = [
      { url: 'https://elders.example/', focused: true },
      { url: `${origin}/zaken`, visibilityState: 'hidden' },
      { url: `${origin}/bezoeken`, visibilityState: 'visible' },
    ];
    expect(pickWindow(windows, origin)).toBe(windows[2]);
    expect(pickWindow([windows[1]], origin)).toBe(windows[1]);
    expect(pickWindow([windows[0]], origin)).toBeNull();
  });

  it('accepts only its own message with a path of this app', () => {
    expect(isOpenMessage({ type: OPEN_MESSAGE, url: '/vervolg/x' })).toBe(true);
    expect(isOpenMessage({ type: OPEN_MESSAGE, url: 'https://elders.example/' })).toBe(false);
    expect(isOpenMessage({ type: OPEN_MESSAGE, url: '//elders.example/' })).toBe(false);
    expect(isOpenMessage({ type: 'SKIP_WAITING' })).toBe(false);
  });
});
