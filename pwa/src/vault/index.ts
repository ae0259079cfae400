/** Data at rest on the tablet: the PIN, the data key, and sealed rows in IndexedDB. */
export { Vault, sealEverything, isValidPin, DEFAULT_POLICY, MAX_PIN_ATTEMPTS, MIN_PIN_LENGTH } from './vault';
export type { Contact, Recovery, UnlockResult, VaultPolicy, VaultRecord } from './vault';
export { fromBase64Url } from './keys';
export { sealingMiddleware, VaultLockedError, PLAIN_FIELDS, PLAIN_META } from './sealing';
