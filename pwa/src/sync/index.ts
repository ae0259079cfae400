/** Sync on the device: the protocol of docs/sync-protocol.md. Screens import from here. */
export { canonicalJson } from './canonical';
export { sha256Hex, blobToBase64 } from './hash';
export {
  createDraft,
  saveDraftAnswers,
  putDraftAttachment,
  removeDraftAttachment,
  discardDraft,
} from './drafts';
export type { NewDraft } from './drafts';
export { finalizeDraft, FinalizeError } from './finalize';
export type { FinalizeOptions, NewAttachment } from './finalize';
export {
  queueCaseEdit,
  queueAction,
  queueFollowupAction,
  followupOutboxRow,
  followupActionRow,
  followupPath,
} from './records';
export { refreshFollowups, storeFollowupView, isFollowupView } from './followups';
export { Api } from './http';
export type { FetchLike, TokenProvider, RefreshOutcome, Problem } from './http';
export { classify } from './classify';
export type { Verdict } from './classify';
export { backoffDelay, parseRetryAfter, retryDelay, BACKOFF_CAP_MS } from './backoff';
export { Outbox } from './outbox';
export type { FlushOutcome, FlushReport, OutboxOptions } from './outbox';
export { pull, storePage } from './pull';
export type { PullOutcome, PullOptions } from './pull';
export { resend, exportSetAside, ResendError, EXPORT_FORMAT } from './setaside';
export type { Correction } from './setaside';
export { StatusStore } from './status';
export type { SyncStatus, StatusListener } from './status';
export { SyncEngine } from './engine';
export type { SyncEngineOptions, CycleReport } from './engine';
export { localDate, localTimestamp } from './time';
