/**
 * The local clock: the product's "now" is real time plus an offset that only moves forward.
 * Timers (schedules, task timeouts) are registered here; `advanceTo` moves time forward firing, in
 * time order, every timer that comes due and awaiting each, so demos and tests are deterministic;
 * a ticker fires what comes due as real time passes.
 */
import { clockOffsetMs, nowMs, setClockOffsetMs } from '../functions/shared/clock.ts';
import { log } from '../functions/shared/log.ts';

interface Timer {
  at: number;
  fire: () => Promise<void> | void;
}

export class LocalClock {
  private readonly timers = new Map<string, Timer>();
  private ticker: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

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

  start(tickMs = 250): void {
    this.ticker ??= setInterval(() => void this.serialise(() => this.fireDue(nowMs())), tickMs);
    this.ticker.unref();
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** Moves the clock to `target` (never backwards), firing what comes due on the way. */
  advanceTo(target: Date): Promise<void> {
    return this.serialise(async () => {
      const to = target.getTime();
      for (;;) {
        const next = this.nextDue(to);
        if (!next) break;
        if (next.at > nowMs()) this.setNow(next.at);
        await this.fireDue(nowMs());
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
