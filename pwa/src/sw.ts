/// <reference lib="webworker" />
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import {
  notificationFor,
  OPEN_MESSAGE,
  parsePayload,
  pickWindow,
  urlFor,
  type OpenMessage,
} from './sw-notifications';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<string | { url: string; revision: string | null }>;
};

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// Every screen of the app is the same index.html, offline too; the API is never answered here.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/^\/api\//, /^\/schema(\/|$)/],
  }),
);

// registerType 'prompt': the page decides when a waiting worker takes over.
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') {
    void self.skipWaiting();
  }
});

// Web Push: show the neutral title; the details stay on the server until the app opens them.
self.addEventListener('push', (event: PushEvent) => {
  let text: string | null = null;
  try {
    text = event.data?.text() ?? null;
  } catch {
    // An unreadable message still shows a notification (see notificationFor).
  }
  const { title, options } = notificationFor(parsePayload(text));
  event.waitUntil(self.registration.showNotification(title, options));
});

// A tap: an open window of the app goes there in-app (a visit in progress is not reloaded);
// without one, the app opens at that screen.
self.addEventListener('notificationclick', (event: NotificationEvent) => {
  event.notification.close();
  const url = urlFor(event.notification.data);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = pickWindow(windows, self.location.origin);
      if (open) {
        await open.focus().catch(() => undefined);
        const message: OpenMessage = { type: OPEN_MESSAGE, url };
        open.postMessage(message);
        return;
      }
      await self.clients.openWindow(url);
    })(),
  );
});
