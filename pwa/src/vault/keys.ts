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
 * A fresh data key and its wrapped form. The key is made extractable only so that it can be
 * wrapped once here; the caller keeps the non-extractable copy `unwrapDataKey` gives back.
 */
export async function newDataKey(
  pin: string,
  iterations: number = PBKDF2_ITERATIONS,
): Promise<{ key: CryptoKey; stored: WrappedKey }> {
  const exportable = await crypto.subtle.generateKey(DATA_KEY, true, ['encrypt', 'decrypt']);
  const salt = randomBytes(16);
  const kek = await pinKey(pin, salt, iterations);
  const wrapped = await crypto.subtle.wrapKey('raw', exportable, kek, 'AES-KW');
  const stored: WrappedKey = { wrapped, salt, iterations };
  // Use the unwrapped, non-extractable copy from the start: the exportable one goes out of scope.
  return { key: await unwrapWith(kek, stored), stored };
}

async function unwrapWith(kek: CryptoKey, stored: WrappedKey): Promise<CryptoKey> {
  return crypto.subtle.unwrapKey('raw', stored.wrapped, kek, 'AES-KW', DATA_KEY, false, [
    'encrypt',
    'decrypt',
  ]);
}

/** The data key for this PIN, or null for a wrong PIN (AES-KW's integrity check fails). */
export async function unwrapDataKey(pin: string, stored: WrappedKey): Promise<CryptoKey | null> {
  const kek = await pinKey(pin, stored.salt, stored.iterations);
  try {
    return await unwrapWith(kek, stored);
  } catch {
    return null;
  }
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
