/**
 * What the service worker does with a push message, as pure functions (sw.ts only wires them
 * to its events, so they can be tested without a service worker).
 *
 * The payload carries no personal data: {type, id, object_type, object_id, title} with a
 * neutral title from the server's catalogue. The notification says no more than that; the app
 * fetches the rest once the worker opens it (signed in, on their own tablet).
 */

export interface PushPayload {
  /** The notification kind, e.g. followup_new. */
  type: string;
  /** The inbox notification's id. */
  id: string;
  object_type: string;
  object_id: string;
  title: string;
}

export interface NotificationData {
  object_type: string;
  object_id: string;
}

/** The message the service worker posts to an open window: go there, without a reload. */
export const OPEN_MESSAGE = 'keukentafel:open';

export interface OpenMessage {
  type: typeof OPEN_MESSAGE;
  url: string;
}

const FALLBACK_TITLE = 'Keukentafel';
export const NOTIFICATION_BODY = 'Open Keukentafel voor de details';
// Ids are UUIDs; anything else is not put into a URL.
const ID = /^[0-9a-fA-F-]{1,64}$/;

/** The push message's JSON; null for an empty or unreadable one. */
export function parsePayload(text: string | null | undefined): PushPayload | null {
  if (!text) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const field = (name: string) => {
    const value = (json as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : '';
  };
  return {
    type: field('type'),
    id: field('id'),
    object_type: field('object_type'),
    object_id: field('object_id'),
    title: field('title'),
  };
}

/**
 * The notification to show. Even an unreadable message shows one: browsers count a push
 * without a notification against the site (userVisibleOnly) and may end the subscription.
 */
export function notificationFor(payload: PushPayload | null): {
  title: string;
  options: NotificationOptions;
} {
  const title = payload?.title.trim().slice(0, 120) || FALLBACK_TITLE;
  const data: NotificationData = {
    object_type: payload?.object_type ?? '',
    object_id: payload?.object_id ?? '',
  };
  return {
    title,
    options: {
      body: NOTIFICATION_BODY,
      // The same notification delivered twice (a retried push) replaces itself.
      ...(payload?.id ? { tag: payload.id } : {}),
      data,
      lang: 'nl',
      icon: '/icons/icon-192.png',
    },
  };
}

/** Where a tapped notification opens: the follow-up itself, or else the inbox. */
export function urlFor(data: unknown): string {
  const { object_type: type, object_id: id } = (data ?? {}) as Partial<NotificationData>;
  if (type === 'followup' && typeof id === 'string' && ID.test(id)) {
    return `/vervolg/${encodeURIComponent(id)}`;
  }
  return '/berichten';
}

export function isOpenMessage(value: unknown): value is OpenMessage {
  const message = value as OpenMessage | null;
  return (
    !!message &&
    message.type === OPEN_MESSAGE &&
    typeof message.url === 'string' &&
    // Only a path of this app: never somewhere else.
    message.url.startsWith('/') &&
    !message.url.startsWith('//')
  );
}

interface WindowLike {
  url: string;
  focused?: boolean;
  visibilityState?: string;
}

/** The open window to use: a visible or focused one of ours first, else any; null for none. */
export function pickWindow<T extends WindowLike>(windows: readonly T[], origin: string): T | null {
  const ours = windows.filter((client) => {
    try {
      return new URL(client.url).origin === origin;
    } catch {
      return false;
    }
  });
  return (
    ours.find((client) => client.focused) ??
    ours.find((client) => client.visibilityState === 'visible') ??
    ours[0] ??
    null
  );
}
