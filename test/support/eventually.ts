/**
 * Polls `read` until `done` holds and answers that value, failing with the last value at the
 * deadline: the one way tests wait for something asynchronous (never a fixed sleep). It reads again
 * after 10 ms, then backs off to at most `intervalMs` between reads: quick when the wait is short,
 * and a long wait does not keep the local runtime busy answering.
 */
export const eventually = async <T>(
  read: () => Promise<T> | T,
  done: (v: T) => boolean,
  timeoutMs = 15_000,
  intervalMs = 250,
): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (let wait = 10; ; wait *= 1.5) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until)
      throw new Error(
        `not reached in ${timeoutMs} ms; last value: ${String(JSON.stringify(value)).slice(0, 2000)}`,
      );
    await new Promise((r) => setTimeout(r, Math.min(wait, intervalMs)));
  }
};
