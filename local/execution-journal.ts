/**
 * The local Step Functions' executions on disk, in time proportional to what changed: a snapshot
 * (`stepfunctions.json`, `{ executions, seq }`) and an append-only journal beside it
 * (`stepfunctions.log`, one JSON line per change: an execution's fields, or one history event).
 *
 * Every change is appended, synchronously, before the call that made it answers: a kill -9 loses at
 * most a change that was never acknowledged (a line cut short by the kill is skipped on reading).
 * The snapshot is rewritten only when the runtime starts and stops, and when the journal has grown
 * past several times the snapshot's size; each line carries a sequence number and the snapshot the
 * last one it holds, so a crash between writing the snapshot and emptying the journal replays
 * nothing twice. (Before, the whole file was rewritten on every workflow event: with 200 waiting
 * executions a restart spent most of its time serialising it.)
 */
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { ExecutionRecord, HistoryEvent } from './stepfunctions.ts';

type Line = { n: number; r: Omit<ExecutionRecord, 'history'> } | { n: number; x: string; h: HistoryEvent };

/** The journal grows to at least this many bytes, or a multiple of the snapshot, before compaction. */
const MIN_COMPACT_BYTES = 16 * 1024 * 1024;
const COMPACT_FACTOR = 4;

export const journalPathOf = (snapshotPath: string): string => snapshotPath.replace(/(\.json)?$/, '.log');

export class ExecutionJournal {
  private readonly logPath: string | undefined;
  private fd: number | undefined;
  private seq = 0;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private closed = false;

  /**
   * @param snapshotPath where the snapshot is kept, or undefined: in memory, nothing written.
   * @param current what a compaction writes: every execution, as it stands.
   */
  constructor(
    private readonly snapshotPath: string | undefined,
    private readonly current: () => Iterable<ExecutionRecord>,
  ) {
    this.logPath = snapshotPath ? journalPathOf(snapshotPath) : undefined;
  }

  /** The executions on disk: the snapshot with the journal replayed onto it, then compacted. */
  load(): ExecutionRecord[] {
    if (!this.snapshotPath || !this.logPath) return [];
    const executions = new Map<string, ExecutionRecord>();
    let seq = 0;
    if (existsSync(this.snapshotPath)) {
      const snapshot = JSON.parse(readFileSync(this.snapshotPath, 'utf8')) as {
        executions?: ExecutionRecord[];
        seq?: number;
      };
      for (const e of snapshot.executions ?? []) executions.set(e.executionArn, e);
      seq = snapshot.seq ?? 0;
    }
    const snapshotSeq = seq;
    if (existsSync(this.logPath)) {
      for (const text of readFileSync(this.logPath, 'utf8').split('\n')) {
        if (!text) continue;
        let line: Line;
        try {
          line = JSON.parse(text) as Line;
        } catch {
          continue; // a line cut short by a kill: never acknowledged
        }
        if (line.n <= snapshotSeq) continue;
        seq = Math.max(seq, line.n);
        if ('r' in line) {
          const existing = executions.get(line.r.executionArn);
          executions.set(line.r.executionArn, { ...line.r, history: existing?.history ?? [] });
        } else {
          const e = executions.get(line.x);
          if (e && line.h.id === e.history.length + 1) e.history.push(line.h);
        }
      }
    }
    this.seq = seq;
    const loaded = [...executions.values()];
    this.compact(loaded);
    return loaded;
  }

  /** An execution's fields (not its history) as they are now. */
  record(e: ExecutionRecord): void {
    const { history: _history, ...fields } = e;
    this.append({ n: ++this.seq, r: fields });
  }

  /** One event appended to an execution's history. */
  event(executionArn: string, event: HistoryEvent): void {
    this.append({ n: ++this.seq, x: executionArn, h: event });
  }

  /** Writes the snapshot and ends the journal: nothing is written after (a runtime that stopped). */
  close(): void {
    if (this.closed) return;
    this.compact(this.current());
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private append(line: Line): void {
    if (this.closed || !this.logPath) return;
    if (this.fd === undefined) {
      mkdirSync(dirname(this.logPath), { recursive: true });
      this.fd = openSync(this.logPath, 'a');
    }
    const text = `${JSON.stringify(line)}\n`;
    writeSync(this.fd, text);
    this.journalBytes += Buffer.byteLength(text);
    if (this.journalBytes > Math.max(MIN_COMPACT_BYTES, COMPACT_FACTOR * this.snapshotBytes))
      this.compact(this.current());
  }

  private compact(executions: Iterable<ExecutionRecord>): void {
    if (this.closed || !this.snapshotPath || !this.logPath) return;
    mkdirSync(dirname(this.snapshotPath), { recursive: true });
    const tmp = `${this.snapshotPath}.tmp`;
    writeFileSync(tmp, JSON.stringify({ executions: [...executions], seq: this.seq }));
    renameSync(tmp, this.snapshotPath);
    this.snapshotBytes = statSync(this.snapshotPath).size;
    // Lines up to `seq` are in the snapshot now; a crash before this truncation replays none of them.
    if (this.fd === undefined) {
      mkdirSync(dirname(this.logPath), { recursive: true });
      this.fd = openSync(this.logPath, 'a');
    }
    ftruncateSync(this.fd, 0);
    this.journalBytes = 0;
  }
}
