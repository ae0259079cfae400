/** Set-aside records: corrected and resent, or exported with their files for a hand-over. */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/sync/canonical';
import { sha256Hex } from '../src/sync/hash';
import { queueCaseEdit } from '../src/sync/records';
import { EXPORT_FORMAT, exportSetAside, resend, ResendError } from '../src/sync/setaside';
import { FakeServer } from './fake-server';
import { CASE_ID, freshDb, makeOutbox, outboxSummary, queuedVisit } from './helpers';

async function refusedVisit(files = 2) {
  const db = freshDb();
  const server = new FakeServer();
  const visit = await queuedVisit(db, { files, formKey: 'old_form' });
  const { outbox } = makeOutbox(db, server);
  await outbox.flush();
  const row = (await db.outbox.where('[kind+record_id]').equals(['visit', visit.id]).first())!;
  expect(row.state).toBe('set_aside');
  return { db, server, visit, outbox, row };
}

describe('resend', () => {
  it('sends a corrected visit with its attachments after all', async () => {
    const { db, server, visit, outbox, row } = await refusedVisit();
    const corrected = { ...visit.body, form_key: 'keukentafelgesprek' };

    await resend(db, row.seq, { body: corrected });
    expect(await outboxSummary(db)).toEqual([
      `pending:visit:${visit.id}`,
      `pending:attachment:${visit.id}/sig-0.png`,
      `pending:attachment:${visit.id}/sig-1.png`,
    ]);
    expect((await outbox.flush()).outcome).toEqual({ result: 'done' });

    expect(server.visits.get(visit.id)!.body.form_key).toBe('keukentafelgesprek');
    expect(server.visits.get(visit.id)!.received.size).toBe(2);
    const stored = (await db.visits.get(visit.id))!;
    expect(stored.status).toBe('sent');
    expect(stored.body).toEqual(corrected);
    expect(stored.body_sha256).toBe(await sha256Hex(canonicalJson(corrected)));
  });

  it('resends the visit when asked to resend a file that waits for it', async () => {
    const { db, visit } = await refusedVisit();
    const file = (await db.outbox
      .where('[kind+record_id]')
      .equals(['attachment', `${visit.id}/sig-1.png`])
      .first())!;
    await resend(db, file.seq);
    expect((await db.outbox.toArray()).every((r) => r.state === 'pending')).toBe(true);
    expect((await db.visits.get(visit.id))!.status).toBe('queued');
  });

  it('refuses a correction that declares other files than the device holds', async () => {
    const { db, visit, row } = await refusedVisit();
    const wrong = { ...visit.body, attachments: visit.body.attachments.slice(1) };
    await expect(resend(db, row.seq, { body: wrong })).rejects.toBeInstanceOf(ResendError);
    expect((await db.outbox.get(row.seq))!.state).toBe('set_aside');
  });

  it('refuses what is not set aside', async () => {
    const db = freshDb();
    const seq = await queueCaseEdit(db, CASE_ID, { step_note: 'x' });
    await expect(resend(db, seq)).rejects.toBeInstanceOf(ResendError);
  });
});

describe('exportSetAside', () => {
  it('hands over every set-aside record with its files as base64', async () => {
    const { db, visit } = await refusedVisit(2);
    const blob = await exportSetAside(db, Date.parse('2026-11-24T12:00:00Z'));
    expect(blob.type).toBe('application/json');
    const doc = JSON.parse(await blob.text());

    expect(doc.format).toBe(EXPORT_FORMAT);
    expect(doc.exported_at).toBe('2026-11-24T12:00:00.000Z');
    expect(doc.records.map((r: { kind: string }) => r.kind)).toEqual([
      'visit',
      'attachment',
      'attachment',
    ]);
    expect(doc.records[0].body).toEqual(visit.body);
    expect(doc.records[0].problem).toMatchObject({ status: 422, code: 'unknown_form' });
    expect(doc.attachments).toHaveLength(2);
    for (const file of doc.attachments) {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      expect(await sha256Hex(bytes)).toBe(file.sha256);
      const declared = visit.body.attachments.find((a) => a.name === file.name)!;
      expect(file.sha256).toBe(declared.sha256);
      expect(bytes.length).toBe(declared.size);
    }
  });
});
