/** Recognising the server's answers the outbox stores: a receipt is only trusted by its shape. */
import type { AttachmentReceipt, CaseDetail, VisitReceipt } from '../db/types';

export function isVisitReceipt(json: unknown): json is VisitReceipt {
  const visit = (json as VisitReceipt | null)?.visit;
  return !!visit && typeof visit === 'object' && Array.isArray(visit.missing_attachments);
}

export function isCaseDetail(json: unknown, id: string): json is CaseDetail {
  const detail = json as CaseDetail | null;
  return !!detail && detail.id === id && typeof detail.version === 'number';
}

export function isAttachmentReceipt(json: unknown): json is AttachmentReceipt {
  return (
    !!json && typeof json === 'object' && typeof (json as AttachmentReceipt).complete === 'boolean'
  );
}
