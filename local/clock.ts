/**
 * The local clock: the product's "now" is real time plus an offset that only moves forward.
 * Timers (schedules, task timeouts, daily jobs) are registered here; a ticker fires what comes due
 * as real time passes.
 *
 * `advanceTo` moves time forward timer by timer: it sets the clock to the next due time, fires every
 * timer due then (in order, each once), and waits until the work they woke is done (`settleWith`: the
 * runtime's scheduler targets, the executions they resume, the bus) before it looks for the next
 * one. So every effect carries the time its timer was due, however far the jump: a workflow step a
 * timer completes runs at the timer's time, and the timers it arms fire at theirs, in order.
 */
import { clockOffsetMs, nowMs, setClockOffsetMs } from '../functions/shared/clock.ts';
import { log } from '../functions/shared/log.ts';

/**
 * Resolves once `busy` has stayed false over a few turns of the event loop (work hands over to
 * other work through I/O: a function's call to a stand-in, an answered token, a delivery), or after
 * `timeoutMs` with a warning: a step retrying on real time for longer does not hold the clock for good.
 */
export const untilIdle = async (busy: () => boolean, timeoutMs = 120_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  for (let quiet = 0; quiet < 3; ) {
    await new Promise((r) => setTimeout(r, quiet ? 1 : 2));
    quiet = busy() ? 0 : quiet + 1;
    if (quiet === 0 && Date.now() > until) {
      log.warn('the local clock moves on while work it woke is still running', { waitedMs: timeoutMs });
      return;
    }
  }
};

interface Timer {
  at: number;
  fire: () => Promise<void> | void;
}

export class LocalClock {
  private readonly timers = new Map<string, Timer>();
  private ticker: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private settle: () => Promise<void> = async () => {};

  constructor(
    offsetMs: number,
    private readonly onOffsetChange: (offsetMs: number) => void,
  ) {
    setClockOffsetMs(offsetMs);
  }

  now(): Date {
    return new Date(nowMs());
  }

  offsetMs(): number {
    return clockOffsetMs();
  }

  set(id: string, at: number, fire: Timer['fire']): void {
    this.timers.set(id, { at, fire });
  }

  clear(id: string): void {
    this.timers.delete(id);
  }

  has(id: string): boolean {
    return this.timers.has(id);
  }

  /** What `advanceTo` waits for after the timers of each due time have fired. */
  settleWith(settle: () => Promise<void>): void {
    this.settle = settle;
  }

  start(tickMs = 250): void {
    this.ticker ??= setInterval(() => void this.serialise(() => this.fireDue(nowMs())), tickMs);
    this.ticker.unref();
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /**
   * Moves the clock to `target` (never backwards), firing what comes due on the way: each due time
   * in turn, waiting after it until the work its timers woke has settled.
   */
  advanceTo(target: Date): Promise<void> {
    return this.serialise(async () => {
      const to = target.getTime();
      // Work already under way (an answer just sent) happens at the time it was sent.
      await this.settle();
      for (;;) {
        const next = this.nextDue(to);
        if (!next) break;
        if (next.at > nowMs()) this.setNow(next.at);
        await this.fireDue(nowMs());
        await this.settle();
      }
      if (to > nowMs()) this.setNow(to);
    });
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(new Date(nowMs() + ms));
  }

  /** Waits for the timers firing now to finish. */
  idle(): Promise<void> {
    return this.serialise(async () => {});
  }

  private setNow(at: number): void {
    setClockOffsetMs(at - Date.now());
    this.onOffsetChange(clockOffsetMs());
  }

  private nextDue(limit: number): (Timer & { id: string }) | undefined {
    let best: (Timer & { id: string }) | undefined;
    for (const [id, t] of this.timers) if (t.at <= limit && (!best || t.at < best.at)) best = { id, ...t };
    return best;
  }

  private async fireDue(now: number): Promise<void> {
    for (;;) {
      const due = this.nextDue(now);
      if (!due) return;
      this.timers.delete(due.id);
      try {
        await due.fire();
      } catch (error) {
        // A timer's failure is its own: the clock, and the runtime, go on.
        log.error('local timer failed', { timer: due.id, error });
      }
    }
  }

  private serialise(work: () => Promise<void>): Promise<void> {
    const next = this.running.then(work, work);
    this.running = next.catch(() => {});
    return next;
  }
}
