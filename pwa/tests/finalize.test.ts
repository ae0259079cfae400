/** Finalizing a draft: all of it in one transaction, or nothing at all. */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/sync/canonical';
import { createDraft, discardDraft, putDraftAttachment } from '../src/sync/drafts';
import { FinalizeError, finalizeDraft } from '../src/sync/finalize';
import { sha256Hex } from '../src/sync/hash';
import { CASE_ID, freshDb, outboxSummary, png } from './helpers';

async function draftWithPhoto() {
  const db = freshDb();
  const draft = await createDraft(db, {
    case_id: CASE_ID,
    form_key: 'keukentafelgesprek',
    form_version: 1,
    answers: { household_size: 2 },
  });
  await putDraftAttachment(
    db,
    draft.id,
    'photo-1.jpg',
    new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }),
    'image/jpeg',
  );
  return { db, draft };
}

describe('finalizeDraft', () => {
  it('writes the visit, its attachments and the outbox rows and removes the draft', async () => {
    const { db, draft } = await draftWithPhoto();
    const signature = png(1, 100);
    const visit = await finalizeDraft(db, draft.id, {
      attachments: [{ name: 'sig-resident.png', blob: signature, content_type: 'image/png' }],
      at: new Date('2026-11-24T10:42:00+01:00'),
    });

    expect(visit.id).toBe(draft.id);
    expect(visit.status).toBe('queued');
    expect(visit.body.case_id).toBe(CASE_ID);
    expect(visit.body.answers).toEqual({ household_size: 2 });
    expect(visit.body.replaces).toBeNull();
    expect(visit.body.attachments).toEqual([
      {
        name: 'photo-1.jpg',
        sha256: await sha256Hex(new Uint8Array([1, 2, 3])),
        content_type: 'image/jpeg',
        size: 3,
      },
      {
        name: 'sig-resident.png',
        sha256: await sha256Hex(signature),
        content_type: 'image/png',
        size: 100,
      },
    ]);
    expect(visit.body_sha256).toBe(await sha256Hex(canonicalJson(visit.body)));
    expect(await db.visits.get(draft.id)).toEqual(visit);
    expect(await db.drafts.get(draft.id)).toBeUndefined();
    expect(await db.attachments.where('visit_id').equals(draft.id).count()).toBe(2);
    expect(await outboxSummary(db)).toEqual([
      `pending:visit:${draft.id}`,
      `pending:attachment:${draft.id}/photo-1.jpg`,
      `pending:attachment:${draft.id}/sig-resident.png`,
    ]);
  });

  it('changes nothing when any write in the transaction fails', async () => {
    const { db, draft } = await draftWithPhoto();
    const before = await db.drafts.get(draft.id);
    let outboxWrites = 0;
    // The second outbox row (the first attachment) fails, after the visit row was written.
    db.outbox.hook('creating', () => {
      outboxWrites++;
      if (outboxWrites === 2) throw new Error('disk full');
    });
    await expect(
      finalizeDraft(db, draft.id, {
        attachments: [{ name: 'sig-resident.png', blob: png(2), content_type: 'image/png' }],
      }),
    ).rejects.toThrow('disk full');

    expect(await db.drafts.toArray()).toEqual([before]);
    expect(await db.visits.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    // The signature given at finalize was not kept; the draft's own photo still is.
    expect((await db.attachments.toArray()).map((a) => a.name)).toEqual(['photo-1.jpg']);
  });

  it('refuses a visit the server could never accept, before writing anything', async () => {
    const { db, draft } = await draftWithPhoto();
    await expect(
      finalizeDraft(db, draft.id, {
        attachments: [{ name: 'Signature.PNG', blob: png(1), content_type: 'image/png' }],
      }),
    ).rejects.toBeInstanceOf(FinalizeError);
    expect(await db.drafts.count()).toBe(1);
    expect(await db.outbox.count()).toBe(0);
  });

  it('returns the same visit when finalize is tapped twice', async () => {
    const { db, draft } = await draftWithPhoto();
    const [first, second] = await Promise.all([
      finalizeDraft(db, draft.id),
      finalizeDraft(db, draft.id),
    ]);
    expect(second).toEqual(first);
    expect(await db.visits.count()).toBe(1);
    expect(await db.outbox.count()).toBe(2);
  });

  it('never lets discarding a finalized draft touch the visit files', async () => {
    const { db, draft } = await draftWithPhoto();
    await finalizeDraft(db, draft.id);
    await discardDraft(db, draft.id);
    expect(await db.attachments.where('visit_id').equals(draft.id).count()).toBe(1);
  });
});
