/**
 * The vault's WebCrypto: the random data key that seals rows, and its wrapping by a key derived
 * from the worker's PIN. Only the wrapped form of the data key is ever stored; unwrapped it is
 * non-extractable, so no script (ours included) can read its bytes, only use it.
 */

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256: each PIN guess costs ~0.3 s on a tablet. */
export const PBKDF2_ITERATIONS = 600_000;

/** Ciphertext and its nonce. AES-GCM also authenticates: a changed byte fails to open. */
export interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

export interface WrappedKey {
  /** The data key, AES-KW-wrapped (RFC 3394) by the PIN-derived key. */
  wrapped: ArrayBuffer;
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
}

const DATA_KEY: AesKeyGenParams = { name: 'AES-GCM', length: 256 };

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(n));
}

async function pinKey(pin: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(pin),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-KW', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

/**
 * The server's recovery secret for this user on this device (32 bytes, from a password login
 * only) as a key that wraps the data key. Never stored: it comes and goes with the login.
 */
export async function recoveryKey(secret: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  if (secret.byteLength !== 32) throw new Error('A recovery secret is 32 bytes.');
  return crypto.subtle.importKey('raw', secret, 'AES-KW', false, ['wrapKey', 'unwrapKey']);
}

/** base64url (the server's encoding of the recovery secret) to bytes. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '='));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * The data key wrapped under a new PIN (a fresh salt), and under the recovery key when there is
 * one. `exportable` must be an extractable copy of the data key, held only for this.
 */
async function wrapAll(
  exportable: CryptoKey,
  pin: string,
  iterations: number,
  recovery?: CryptoKey,
): Promise<{ key: CryptoKey; stored: WrappedKey; recoveryWrapped?: ArrayBuffer }> {
  const salt = randomBytes(16);
  const kek = await pinKey(pin, salt, iterations);
  const wrapped = await crypto.subtle.wrapKey('raw', exportable, kek, 'AES-KW');
  const stored: WrappedKey = { wrapped, salt, iterations };
  const recoveryWrapped = recovery ? await crypto.subtle.wrapKey('raw', exportable, recovery, 'AES-KW') : undefined;
  // Use the unwrapped, non-extractable copy from here: the exportable one goes out of scope.
  const key = (await unwrapWith(kek, wrapped))!;
  return { key, stored, ...(recoveryWrapped ? { recoveryWrapped } : {}) };
}

/**
 * A fresh data key and its wrapped forms. The key is made extractable only so that it can be
 * wrapped here; the caller keeps the non-extractable copy unwrapped from the PIN's wrap.
 */
export async function newDataKey(
  pin: string,
  iterations: number = PBKDF2_ITERATIONS,
  recovery?: CryptoKey,
): Promise<{ key: CryptoKey; stored: WrappedKey; recoveryWrapped?: ArrayBuffer }> {
  const exportable = await crypto.subtle.generateKey(DATA_KEY, true, ['encrypt', 'decrypt']);
  return wrapAll(exportable, pin, iterations, recovery);
}

/** Unwrap with a key-encryption key; null when it is the wrong one (AES-KW's integrity check). */
async function unwrapWith(kek: CryptoKey, wrapped: ArrayBuffer, extractable = false): Promise<CryptoKey | null> {
  try {
    return await crypto.subtle.unwrapKey('raw', wrapped, kek, 'AES-KW', DATA_KEY, extractable, ['encrypt', 'decrypt']);
  } catch {
    return null;
  }
}

/** The data key for this PIN, or null for a wrong PIN (AES-KW's integrity check fails). */
export async function unwrapDataKey(pin: string, stored: WrappedKey): Promise<CryptoKey | null> {
  return unwrapWith(await pinKey(pin, stored.salt, stored.iterations), stored.wrapped);
}

/**
 * The data key for the right PIN (null for a wrong one); with a recovery key, also the data key
 * wrapped under it (a login on a tablet whose vault has no recovery wrap yet, or an older one).
 */
export async function openWithPin(
  pin: string,
  stored: WrappedKey,
  recovery?: CryptoKey,
): Promise<{ key: CryptoKey; recoveryWrapped?: ArrayBuffer } | null> {
  const kek = await pinKey(pin, stored.salt, stored.iterations);
  if (!recovery) {
    const key = await unwrapWith(kek, stored.wrapped);
    return key && { key };
  }
  const exportable = await unwrapWith(kek, stored.wrapped, true);
  if (!exportable) return null;
  const recoveryWrapped = await crypto.subtle.wrapKey('raw', exportable, recovery, 'AES-KW');
  return { key: (await unwrapWith(kek, stored.wrapped))!, recoveryWrapped };
}

/** Does the recovery key open this wrap? (Only a check: the key it yields is not kept.) */
export async function recoveryOpens(recovery: CryptoKey, recoveryWrapped: ArrayBuffer): Promise<boolean> {
  return (await unwrapWith(recovery, recoveryWrapped)) !== null;
}

/**
 * A forgotten PIN: the data key unwrapped with the recovery key, wrapped again under a new PIN
 * (and the recovery key). Null when the recovery key does not open the wrap.
 */
export async function rewrapWithRecovery(
  recovery: CryptoKey,
  recoveryWrapped: ArrayBuffer,
  pin: string,
  iterations: number = PBKDF2_ITERATIONS,
): Promise<{ key: CryptoKey; stored: WrappedKey; recoveryWrapped?: ArrayBuffer } | null> {
  const exportable = await unwrapWith(recovery, recoveryWrapped, true);
  if (!exportable) return null;
  return wrapAll(exportable, pin, iterations, recovery);
}

/** `aad` binds the ciphertext to where it is kept (the table), so it cannot be moved elsewhere. */
export async function seal(key: CryptoKey, plain: BufferSource, aad: string): Promise<Sealed> {
  const iv = randomBytes(12); // random 96-bit nonces: far below GCM's 2^32 messages per key
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(aad) },
    key,
    plain,
  );
  return { iv, data };
}

export async function open(key: CryptoKey, sealed: Sealed, aad: string): Promise<ArrayBuffer> {
  return crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.iv, additionalData: new TextEncoder().encode(aad) },
    key,
    sealed.data,
  );
}
