/**
 * The one source of "now" for domain and handler code. On AWS it is the real time. The local
 * runtime advances it (weeks pass in seconds for demos and tests) by setting an offset; the offset
 * lives on globalThis so every module instance in the process sees the same clock.
 */
const KEY = Symbol.for('helsekjop.clockOffsetMs');
type ClockHolder = { [KEY]?: number };

export const clockOffsetMs = (): number => (globalThis as ClockHolder)[KEY] ?? 0;

export const setClockOffsetMs = (offsetMs: number): void => {
  (globalThis as ClockHolder)[KEY] = offsetMs;
};

export const nowMs = (): number => Date.now() + clockOffsetMs();
export const now = (): Date => new Date(nowMs());
export const nowIso = (): string => now().toISOString();
