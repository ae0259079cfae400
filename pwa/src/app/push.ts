/**
 * Web Push on this device. Permission is asked only from the worker's tap (browsers refuse or
 * penalise a prompt out of the blue), and an iPad gives a browser tab no PushManager at all:
 * only the app on the home screen gets pushes, which the screen then explains.
 */
import { callApi } from './online';
import { base64UrlToBytes, sameBytes } from './base64url';

export type PushState =
  /** No Push API here (an iPad browser tab): install to the home screen. */
  | 'unavailable'
  /** No service worker registered (a development build): nothing can receive a push. */
  | 'no_worker'
  | 'denied'
  | 'on'
  | 'off';

export type PushChange = PushState | 'offline' | 'failed';

function supported(): boolean {
  return (
    typeof window !== 'undefined' &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window
  );
}

/**
 * The app's registration. Right after a first load it may still be on its way, so `ready` is
 * waited for, but briefly: without a service worker (a development build) it never resolves.
 */
async function registration(): Promise<ServiceWorkerRegistration | null> {
  const now = await navigator.serviceWorker.getRegistration().catch(() => undefined);
  if (now) return now;
  const soon = new Promise<null>((resolve) => setTimeout(() => resolve(null), 3000));
  return Promise.race([navigator.serviceWorker.ready, soon]);
}

export async function pushState(): Promise<PushState> {
  if (!supported()) return 'unavailable';
  if (Notification.permission === 'denied') return 'denied';
  const reg = await registration();
  if (!reg) return 'no_worker';
  const subscription = await reg.pushManager.getSubscription().catch(() => null);
  return subscription && Notification.permission === 'granted' ? 'on' : 'off';
}

/** From a tap only: the permission prompt is the first thing that happens. */
export async function enablePush(): Promise<PushChange> {
  if (!supported()) return 'unavailable';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  const reg = await registration();
  if (!reg) return 'no_worker';
  const key = await callApi<{ public_key: string }>('GET', '/api/push/vapid-public-key');
  if (key.status === 0) return 'offline';
  if (!key.ok || typeof key.data?.public_key !== 'string') return 'failed';
  try {
    const serverKey = base64UrlToBytes(key.data.public_key);
    let subscription = await reg.pushManager.getSubscription();
    // Made with another key (the server's key was replaced): the push service would refuse ours.
    if (subscription && !sameBytes(subscription.options.applicationServerKey, serverKey)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ??= await reg.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: serverKey,
    });
    const saved = await callApi('POST', '/api/push/subscriptions', subscriptionBody(subscription));
    // Not saved: the subscription stays in the browser and is sent again on the next start.
    if (saved.status === 0) return 'offline';
    return saved.ok ? 'on' : 'failed';
  } catch {
    return 'failed';
  }
}

/** The server forgets the endpoint (when reachable); the browser's subscription ends anyway. */
export async function disablePush(): Promise<PushChange> {
  if (!supported()) return 'unavailable';
  const reg = await registration();
  const subscription = await reg?.pushManager.getSubscription().catch(() => null);
  if (!subscription) return 'off';
  // Side by side: the browser's end does not wait for the server. Offline the server learns it
  // from the push service's 404/410 on its next send.
  await Promise.all([
    callApi('DELETE', '/api/push/subscriptions', { endpoint: subscription.endpoint }),
    subscription.unsubscribe().catch(() => false),
  ]);
  return 'off';
}

/**
 * On every start: the same subscription sent again keeps it with whoever is signed in on this
 * browser now (the server moves it) and repairs one the server dropped. Never asks anything.
 */
export async function renewPushSubscription(): Promise<void> {
  if (!supported() || Notification.permission !== 'granted') return;
  const subscription = await (await registration())?.pushManager.getSubscription().catch(() => null);
  if (subscription) await callApi('POST', '/api/push/subscriptions', subscriptionBody(subscription));
}

/**
 * `PushSubscription.toJSON()` with only the fields the server knows: it refuses unknown ones,
 * and a browser may one day add some.
 */
function subscriptionBody(subscription: PushSubscription) {
  const json = subscription.toJSON();
  return {
    endpoint: json.endpoint ?? subscription.endpoint,
    expirationTime: json.expirationTime ?? null,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
  };
}
