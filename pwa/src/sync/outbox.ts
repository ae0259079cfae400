/**
 * The outbox flusher: sends what the device recorded, in the order it was recorded, until the
 * server acknowledged each record. Nothing is deleted before that acknowledgement.
 *
 * - Order: the first pending row goes first. Passing trouble (offline, 5xx, 429) stops the whole
 *   flush: the next row would meet the same trouble, and a later record must not overtake an
 *   earlier one (a visit before the case edit it depends on).
 * - A definite "no" sets that one row aside (kept, visible, exportable) and the flush goes on.
 * - An attachment waits for its visit and is set aside with it.
 * - A claim a colleague won is settled with a notice on the follow-up (followups.ts), not set
 *   aside: it held nothing of the worker's.
 * - One flush at a time: a second call joins the running one, so a record is never sent twice
 *   concurrently by this tab.
 */
import type { KeukentafelDb } from '../db/database';
import { getMeta, setMeta } from '../db/meta';
import type { OutboxRow, RecordProblem } from '../db/types';
import { retryDelay } from './backoff';
import { canonicalJson } from './canonical';
import { classify, type Verdict } from './classify';
import { acknowledgeFollowup, settleOvertaken } from './followups';
import type { Answer, Api, RefreshOutcome, Request } from './http';
import { isAttachmentReceipt, isCaseDetail, isVisitReceipt } from './receipts';
import { nowIso } from './time';

export type FlushOutcome =
  /** Nothing left that could be sent now (set-aside rows may remain). */
  | { result: 'done' }
  /** The next row may not be sent before `until` (epoch ms). */
  | { result: 'waiting'; until: number; problem: RecordProblem | null }
  | { result: 'sign_in'; problem: RecordProblem }
  | { result: 'revoked' }
  /** The device itself failed (IndexedDB); nothing was lost, the next flush tries again. */
  | { result: 'error'; problem: RecordProblem };

export interface FlushReport {
  outcome: FlushOutcome;
  acknowledged: number;
  setAside: number;
}

export interface OutboxOptions {
  db: KeukentafelDb;
  api: Api;
  /** device_revoked: the app wipes local data (and forgets the tokens). */
  onRevoked: () => void | Promise<void>;
  random?: () => number;
  now?: () => number;
}

type Gate = { go: true } | { go: false; wait: true } | { go: false; problem: RecordProblem };

export class Outbox {
  private running: Promise<FlushReport> | null = null;
  private readonly db: KeukentafelDb;
  private readonly now: () => number;

  constructor(private readonly options: OutboxOptions) {
    this.db = options.db;
    this.now = options.now ?? Date.now;
  }

  get flushing(): boolean {
    return this.running !== null;
  }

  /**
   * Send everything that is due. `force` sends a row that is waiting out our own backoff (the
   * network just came back, the worker tapped "sync now"), but never before a server's
   * Retry-After.
   */
  flush(options: { force?: boolean } = {}): Promise<FlushReport> {
    this.running ??= this.run(options.force ?? false).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(force: boolean): Promise<FlushReport> {
    const report = { acknowledged: 0, setAside: 0 };
    try {
      const outcome = await this.loop(force, report); // counts into `report` as it goes
      return { ...report, outcome };
    } catch (error) {
      return { ...report, outcome: { result: 'error', problem: deviceProblem(error, this.now()) } };
    }
  }

  private async loop(
    force: boolean,
    report: { acknowledged: number; setAside: number },
  ): Promise<FlushOutcome> {
    // A refresh is tried once per row: a server that says token_expired right after a refresh
    // is not helped by refreshing in a loop.
    let refreshedFor: number | null = null;
    for (;;) {
      const row = await this.db.outbox.where('state').equals('pending').first();
      if (!row) return { result: 'done' };
      if (row.next_attempt_at > this.now() && (!force || row.server_wait)) {
        return { result: 'waiting', until: row.next_attempt_at, problem: row.last_error };
      }

      if (row.kind === 'attachment') {
        const gate = await this.visitGate(row);
        if (!gate.go && 'wait' in gate) {
          return this.postpone(row, {
            type: 'retry',
            status: null,
            code: 'visit_not_acknowledged',
            detail: 'Waiting for its visit to be acknowledged.',
            retryAfterMs: null,
          });
        }
        if (!gate.go) {
          report.setAside += await this.setAside(row, gate.problem);
          continue;
        }
      }

      const request = await this.requestFor(row);
      if ('problem' in request) {
        report.setAside += await this.setAside(row, request.problem);
        continue;
      }
      const answer = await this.options.api.send(request);
      const verdict = classify(answer, this.now());

      switch (verdict.type) {
        case 'acknowledged':
          await this.acknowledge(row, answer, verdict.conflict);
          report.acknowledged++;
          break;
        case 'set_aside':
          report.setAside += await this.setAside(
            row,
            this.problem(verdict.status, verdict.code, verdict.detail),
          );
          break;
        case 'overtaken': {
          const problem = this.problem(verdict.status, verdict.code, verdict.detail);
          // Only a claim carries no text; anything else the worker wrote is kept, set aside.
          if (row.followup_action === 'claim') {
            await settleOvertaken(this.db, row, answer, problem);
            report.acknowledged++; // answered for good: it leaves the queue
          } else {
            report.setAside += await this.setAside(row, problem);
          }
          break;
        }
        case 'retry':
          return this.postpone(row, verdict);
        case 'refresh': {
          if (refreshedFor === row.seq) {
            return this.postpone(row, {
              type: 'retry',
              status: 401,
              code: 'token_expired',
              detail: 'The token was refused again right after a refresh.',
              retryAfterMs: null,
            });
          }
          let outcome: RefreshOutcome;
          try {
            outcome = await this.options.api.refresh();
          } catch (error) {
            return this.postpone(row, {
              type: 'retry',
              status: null,
              code: 'network_error',
              detail: `Refreshing the token failed: ${error instanceof Error ? error.message : String(error)}`,
              retryAfterMs: null,
            });
          }
          if (outcome === 'device_revoked') return this.revoked();
          if (outcome === 'sign_in_required') return this.signIn('session_ended');
          refreshedFor = row.seq;
          break; // the same row is picked again, now with the new token
        }
        case 'revoked':
          return this.revoked();
        case 'sign_in':
          return this.signIn(verdict.code);
      }
    }
  }

  /** An attachment goes only after its visit was acknowledged; it shares the visit's fate. */
  private async visitGate(row: OutboxRow): Promise<Gate> {
    const visitId = row.visit_id ?? row.attachment?.visit_id ?? '';
    const visitRow = await this.db.outbox
      .where('[kind+record_id]')
      .equals(['visit', visitId])
      .first();
    if (visitRow?.state === 'set_aside') {
      return {
        go: false,
        problem: this.problem(
          null,
          'visit_set_aside',
          `Set aside with its visit (${visitRow.last_error?.code ?? 'unknown reason'}).`,
        ),
      };
    }
    // Cannot happen while rows are written visit-first; waiting is the safe answer if it does.
    if (visitRow) return { go: false, wait: true };
    const visit = await this.db.visits.get(visitId);
    if (visit?.status === 'sent') return { go: true };
    return {
      go: false,
      problem: this.problem(null, 'visit_not_sent', 'The visit of this attachment was not sent.'),
    };
  }

  private async requestFor(row: OutboxRow): Promise<Request | { problem: RecordProblem }> {
    const missing = () => ({
      problem: this.problem(null, 'missing_local_data', `The data of ${row.record_id} is gone.`),
    });
    switch (row.kind) {
      case 'visit': {
        const visit = await this.db.visits.get(row.record_id);
        if (!visit) return missing();
        // The canonical text itself is sent: what the server hashes is what we hashed.
        return {
          method: row.method,
          path: row.path,
          body: canonicalJson(visit.body),
          contentType: 'application/json',
        };
      }
      case 'attachment': {
        const ref = row.attachment;
        const file = ref && (await this.db.attachments.get([ref.visit_id, ref.name]));
        if (!file) return missing();
        return {
          method: row.method,
          path: row.path,
          body: file.blob,
          contentType: file.content_type,
        };
      }
      default:
        return row.body === undefined
          ? { method: row.method, path: row.path }
          : {
              method: row.method,
              path: row.path,
              body: canonicalJson(row.body),
              contentType: 'application/json',
            };
    }
  }

  private async acknowledge(row: OutboxRow, answer: Answer, conflict: boolean): Promise<void> {
    const db = this.db;
    const json = answer.kind === 'response' ? answer.json : null;
    const at = nowIso(this.now());
    const tables = [db.outbox, db.visits, db.attachments, db.meta, db.cases, db.followups];
    await db.transaction('rw', tables, async () => {
      if (!(await db.outbox.get(row.seq))) return; // resent or wiped meanwhile
      await db.outbox.delete(row.seq);
      if (row.kind === 'visit') {
        const receipt = isVisitReceipt(json) ? json : null;
        await db.visits.update(row.record_id, {
          status: 'sent',
          sent_at: at,
          receipt,
          server_state: receipt?.visit.state ?? null,
          problem: null,
        });
        if (receipt)
          await this.dropArrivedAttachments(row.record_id, receipt.visit.missing_attachments, at);
        await this.forgetIfCaseRemoved(row.record_id);
      } else if (row.kind === 'attachment' && row.attachment) {
        const { visit_id, name } = row.attachment;
        await db.attachments.update([visit_id, name], { sent_at: at });
        if (isAttachmentReceipt(json) && json.complete) {
          await db.visits.update(visit_id, { server_state: 'submitted' });
        }
        await this.forgetIfCaseRemoved(visit_id);
      } else if (row.followup_id) {
        await acknowledgeFollowup(db, row, json, at);
      } else if (row.kind === 'case' && conflict) {
        // The server kept our edit aside for a person; our cached copy may be stale.
        const list = (await getMeta(db, 'cases_to_refresh')) ?? [];
        if (!list.includes(row.record_id)) {
          await setMeta(db, 'cases_to_refresh', [...list, row.record_id]);
        }
      } else if (row.kind === 'case' && isCaseDetail(json, row.record_id)) {
        // The answer is the case as it now stands: its new version is the base of the next
        // edit. A case a pull removed meanwhile is not brought back (unless we created it).
        const created = (row.body as { base_version?: unknown } | undefined)?.base_version == null;
        if (created || (await db.cases.get(row.record_id))) {
          await db.cases.put({ ...json, pulled_at: at });
        }
      }
    });
  }

  /**
   * The receipt lists what the server still misses. After a lost response the server may hold
   * some files already: those rows are acknowledged by the receipt and need no second upload.
   */
  private async dropArrivedAttachments(
    visitId: string,
    missing: string[],
    at: string,
  ): Promise<void> {
    const rows = await this.db.outbox.where('visit_id').equals(visitId).toArray();
    for (const other of rows) {
      if (other.kind !== 'attachment' || other.state !== 'pending' || !other.attachment) continue;
      if (missing.includes(other.attachment.name)) continue;
      await this.db.outbox.delete(other.seq);
      await this.db.attachments.update([visitId, other.attachment.name], { sent_at: at });
    }
  }

  /** A pull removed the case while this visit waited: once fully sent, the device forgets it. */
  private async forgetIfCaseRemoved(visitId: string): Promise<void> {
    const visit = await this.db.visits.get(visitId);
    if (!visit?.case_removed_at) return;
    if ((await this.db.outbox.where('visit_id').equals(visitId).count()) > 0) return;
    await this.db.attachments.where('visit_id').equals(visitId).delete();
    await this.db.visits.delete(visitId);
  }

  /** Returns how many rows were set aside (a visit takes its attachments along). */
  private async setAside(row: OutboxRow, problem: RecordProblem): Promise<number> {
    const db = this.db;
    return db.transaction('rw', [db.outbox, db.visits], async () => {
      if (!(await db.outbox.get(row.seq))) return 0;
      await db.outbox.update(row.seq, { state: 'set_aside', last_error: problem });
      if (row.kind !== 'visit') return 1;
      await db.visits.update(row.record_id, { status: 'set_aside', problem });
      // Its attachments cannot go without it: set aside together, resent together.
      const withVisit = this.problem(
        null,
        'visit_set_aside',
        `Set aside with its visit (${problem.code}).`,
      );
      const files = await db.outbox
        .where('visit_id')
        .equals(row.record_id)
        .filter((other) => other.kind === 'attachment' && other.state === 'pending')
        .modify({ state: 'set_aside', last_error: withVisit });
      return 1 + files;
    });
  }

  private async postpone(
    row: OutboxRow,
    verdict: Extract<Verdict, { type: 'retry' }>,
  ): Promise<FlushOutcome> {
    const attempts = row.attempts + 1;
    const until = this.now() + retryDelay(attempts, verdict.retryAfterMs, this.options.random);
    const problem = this.problem(verdict.status, verdict.code, verdict.detail);
    await this.db.outbox.update(row.seq, {
      attempts,
      next_attempt_at: until,
      server_wait: verdict.retryAfterMs !== null,
      last_error: problem,
    });
    return { result: 'waiting', until, problem };
  }

  private async revoked(): Promise<FlushOutcome> {
    await this.options.onRevoked();
    return { result: 'revoked' };
  }

  private signIn(code: string): FlushOutcome {
    return {
      result: 'sign_in',
      problem: this.problem(401, code, 'Sign in again; everything stays on this device.'),
    };
  }

  private problem(status: number | null, code: string, detail: string): RecordProblem {
    return { status, code, detail, at: nowIso(this.now()) };
  }
}

function deviceProblem(error: unknown, now: number): RecordProblem {
  return {
    status: null,
    code: 'device_error',
    detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    at: nowIso(now),
  };
}
