/** The schema, and an upgrade that must carry a tablet's unsent work across unchanged. */
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, VERSIONS } from '../src/db/schema';
import type { AttachmentRow, OutboxRow, VisitRow } from '../src/db/types';
import { attachmentPath, visitPath } from '../src/sync/records';
import { FakeServer } from './fake-server';
import { CASE_ID, freshDb, makeOutbox, png } from './helpers';

/** What version 1 of the app wrote: rows without `visit_id`. */
function v1Records(visits: number, filesPerVisit: number) {
  const visitRows: VisitRow[] = [];
  const files: AttachmentRow[] = [];
  const outbox: Omit<OutboxRow, 'seq'>[] = [];
  for (let v = 0; v < visits; v++) {
    const id = `00000000-0000-4000-8000-${String(v).padStart(12, '0')}`;
    const declared = [];
    for (let f = 0; f < filesPerVisit; f++) {
      const blob = png(v * 10 + f, 32 + f);
      const name = `photo-${f}.png`;
      const sha256 = `${String(v).padStart(4, '0')}${'ab'.repeat(30)}`;
      files.push({
        visit_id: id,
        name,
        blob,
        sha256,
        content_type: 'image/png',
        size: blob.size,
        created_at: '2026-11-24T09:00:00.000Z',
        sent_at: null,
      });
      declared.push({ name, sha256, content_type: 'image/png' as const, size: blob.size });
    }
    const body = {
      case_id: CASE_ID,
      form_key: 'keukentafelgesprek',
      form_version: 1,
      visited_on: '2026-11-24',
      finalized_at: '2026-11-24T10:42:00+01:00',
      answers: { n: v, note: `bezoek ${v}` },
      attachments: declared,
      replaces: null,
    };
    visitRows.push({
      id,
      case_id: CASE_ID,
      body,
      body_sha256: 'f'.repeat(64),
      status: 'queued',
      finalized_at: body.finalized_at,
      sent_at: null,
      receipt: null,
      server_state: null,
      problem: null,
    });
    const base = {
      attempts: v % 3,
      next_attempt_at: 0,
      last_error: null,
      state: 'pending' as const,
      created_at: '2026-11-24T09:42:00.000Z',
    };
    outbox.push({ ...base, kind: 'visit', record_id: id, method: 'PUT', path: visitPath(id) });
    for (const d of declared) {
      outbox.push({
        ...base,
        kind: 'attachment',
        record_id: `${id}/${d.name}`,
        attachment: { visit_id: id, name: d.name },
        method: 'PUT',
        path: attachmentPath(id, d.name),
      });
    }
  }
  return { visitRows, files, outbox };
}

async function bytes(blob: Blob): Promise<number[]> {
  return [...new Uint8Array(await blob.arrayBuffer())];
}

describe('schema', () => {
  it('opens at SCHEMA_VERSION with every table', async () => {
    const db = freshDb();
    await db.open();
    expect(SCHEMA_VERSION).toBe(VERSIONS.at(-1)!.version);
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(db.tables.map((t) => t.name).sort()).toEqual([
      'attachments',
      'cases',
      'drafts',
      'followups',
      'forms',
      'meta',
      'outbox',
      'visits',
    ]);
    expect(db.outbox.schema.primKey.auto).toBe(true);
    db.close();
  });

  it('keeps 200 pending outbox records and their visits and attachments through the upgrade from version 1', async () => {
    const factory = new IDBFactory();
    const { visitRows, files, outbox } = v1Records(50, 3); // 50 visits + 150 files = 200 rows
    expect(outbox).toHaveLength(200);

    const old = freshDb(1, factory);
    await old.open();
    expect(old.verno).toBe(1);
    await old.transaction('rw', [old.visits, old.attachments, old.outbox], async () => {
      await old.visits.bulkAdd(visitRows);
      await old.attachments.bulkAdd(files);
      await old.outbox.bulkAdd(outbox as OutboxRow[]);
    });
    const before = await old.outbox.orderBy('seq').toArray();
    old.close();

    const db = freshDb(undefined, factory);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);

    const after = await db.outbox.orderBy('seq').toArray();
    expect(after).toHaveLength(200);
    // Every field as it was (same seq, same order), plus the visit the row belongs to.
    expect(after.map(({ visit_id: _, ...rest }) => rest)).toEqual(before);
    for (const row of after) {
      expect(row.visit_id).toBe(row.kind === 'visit' ? row.record_id : row.attachment!.visit_id);
    }
    expect(await db.visits.toArray()).toEqual(visitRows);
    const stored = await db.attachments.toArray();
    expect(stored).toHaveLength(files.length);
    for (const file of files) {
      const copy = stored.find((s) => s.visit_id === file.visit_id && s.name === file.name)!;
      expect({ ...copy, blob: null }).toEqual({ ...file, blob: null });
      expect(await bytes(copy.blob)).toEqual(await bytes(file.blob));
    }
    // The new index answers: every row of one visit.
    expect(await db.outbox.where('visit_id').equals(visitRows[7].id).count()).toBe(4);
    db.close();
  });

  it('sends upgraded records in their original order', async () => {
    const factory = new IDBFactory();
    const { visitRows, files, outbox } = v1Records(3, 1);
    const old = freshDb(1, factory);
    await old.transaction('rw', [old.visits, old.attachments, old.outbox], async () => {
      await old.visits.bulkAdd(visitRows);
      await old.attachments.bulkAdd(files);
      await old.outbox.bulkAdd(outbox as OutboxRow[]);
    });
    old.close();

    const db = freshDb(undefined, factory);
    const server = new FakeServer();
    // The made-up hashes of v1Records would be refused: declare the real ones for this test.
    for (const visit of visitRows) {
      for (const d of visit.body.attachments) {
        const file = files.find((f) => f.visit_id === visit.id && f.name === d.name)!;
        const digest = new Uint8Array(
          await crypto.subtle.digest('SHA-256', await file.blob.arrayBuffer()),
        );
        d.sha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
      }
      await db.visits.put(visit);
    }
    const { outbox: flusher } = makeOutbox(db, server);
    const report = await flusher.flush();
    expect(report.outcome).toEqual({ result: 'done' });
    expect(server.requests.map((r) => r.path)).toEqual(outbox.map((row) => row.path));
    expect(await db.outbox.count()).toBe(0);
    db.close();
  });

  it("keeps a version 2 tablet's unsent work through the upgrade to version 3 and indexes its follow-up actions", async () => {
    const factory = new IDBFactory();
    const { visitRows, files, outbox } = v1Records(4, 2);
    const base = {
      attempts: 1,
      next_attempt_at: 0,
      last_error: null,
      state: 'pending' as const,
      created_at: '2026-11-24T09:50:00.000Z',
    };
    const actions: Omit<OutboxRow, 'seq'>[] = [
      {
        ...base,
        kind: 'action',
        record_id: 'a-claim',
        method: 'POST',
        path: '/api/followups/f-1/claim',
        body: { action_id: 'a-claim', text: '' },
      },
      {
        ...base,
        kind: 'action',
        record_id: 'a-read',
        method: 'POST',
        path: '/api/notifications/n-1/read',
      },
      {
        ...base,
        kind: 'case',
        record_id: CASE_ID,
        case_id: CASE_ID,
        method: 'PUT',
        path: `/api/cases/${CASE_ID}`,
        body: { base_version: 3 },
        state: 'set_aside',
        last_error: { status: 404, code: 'case_not_found', detail: 'gone', at: '2026-11-24T10:00:00.000Z' },
      },
    ];

    const old = freshDb(2, factory);
    await old.open();
    expect(old.verno).toBe(2);
    await old.transaction('rw', [old.visits, old.attachments, old.outbox, old.meta], async () => {
      await old.visits.bulkAdd(visitRows);
      await old.attachments.bulkAdd(files);
      await old.outbox.bulkAdd(
        outbox.map((row) => ({ ...row, visit_id: row.attachment?.visit_id ?? row.record_id })) as OutboxRow[],
      );
      await old.outbox.bulkAdd(actions as OutboxRow[]);
      await old.meta.put({ key: 'cursor', value: 'c7.3' });
    });
    const before = await old.outbox.orderBy('seq').toArray();
    old.close();

    const db = freshDb(undefined, factory);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    const after = await db.outbox.orderBy('seq').toArray();
    // Every row as it was, in the same order; only the follow-up's claim gained its index.
    expect(after.map(({ followup_id: _, followup_action: __, ...rest }) => rest)).toEqual(before);
    expect(after.filter((row) => row.followup_id).map((row) => [row.record_id, row.followup_id, row.followup_action])).toEqual([
      ['a-claim', 'f-1', 'claim'],
    ]);
    expect(await db.outbox.where('followup_id').equals('f-1').count()).toBe(1);
    expect(await db.visits.toArray()).toEqual(visitRows);
    expect(await db.attachments.count()).toBe(files.length);
    expect(await db.meta.get('cursor')).toEqual({ key: 'cursor', value: 'c7.3' });
    expect(await db.followups.count()).toBe(0);
    db.close();
  });
});
