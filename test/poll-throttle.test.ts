/**
 * The poll throttle (engine/backends/webgpu/poll-throttle.ts) on a fake timer host and clock:
 * during a wait, setImmediate runs as usual for SPIN_MS and then becomes a timer POLL_INTERVAL_MS
 * away; clearImmediate clears either kind; nested waits swap once; the globals come back after
 * the last wait, also when it fails, and are left alone when someone else replaced them
 * meanwhile. That dawn.node's poll does go through the global setImmediate is checked on a
 * device, in test/webgpu-train-step.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { POLL_INTERVAL_MS, PollThrottle, SPIN_MS, type TimerHost } from '../engine/backends/webgpu/poll-throttle.js';

function fakeHost() {
  const clock = { t: 100 };
  const log: string[] = [];
  const handle = (kind: string, n: number) => ({ kind, n });
  let n = 0;
  const host: TimerHost = {
    setImmediate: (fn) => (log.push('immediate'), handle('immediate', n++)),
    clearImmediate: (h) => void log.push(`clearImmediate ${(h as { kind: string }).kind}`),
    setTimeout: (fn, ms) => (log.push(`timeout ${ms}`), handle('timeout', n++)),
    clearTimeout: (h) => void log.push(`clearTimeout ${(h as { kind: string }).kind}`),
  };
  const original = { set: host.setImmediate, clear: host.clearImmediate };
  return { clock, log, host, original, throttle: new PollThrottle(host, () => clock.t) };
}

/** A wait the test resolves by hand. */
function pending() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('poll throttle', () => {
  it('lets setImmediate through for the first SPIN_MS of a wait, then makes it a timer, and restores it after', async () => {
    const f = fakeHost();
    const w = pending();
    const done = f.throttle.around(() => w.promise);
    f.host.setImmediate(() => {});
    f.clock.t += SPIN_MS; // the wait has lasted SPIN_MS
    f.host.setImmediate(() => {});
    f.host.setImmediate(() => {});
    expect(f.log).toEqual(['immediate', `timeout ${POLL_INTERVAL_MS}`, `timeout ${POLL_INTERVAL_MS}`]);
    expect(f.throttle.stats).toEqual({ waits: 1, throttledTicks: 2 });
    w.resolve();
    await done;
    expect(f.host.setImmediate).toBe(f.original.set);
    expect(f.host.clearImmediate).toBe(f.original.clear);
    f.host.setImmediate(() => {}); // after the wait: as usual, however late
    expect(f.log.at(-1)).toBe('immediate');
  });

  it('clears a throttled tick with clearTimeout and an immediate one with clearImmediate', async () => {
    const f = fakeHost();
    const w = pending();
    const done = f.throttle.around(() => w.promise);
    const early = f.host.setImmediate(() => {});
    f.clock.t += SPIN_MS + 5;
    const late = f.host.setImmediate(() => {});
    f.host.clearImmediate(late);
    f.host.clearImmediate(early);
    expect(f.log.slice(-2)).toEqual(['clearTimeout timeout', 'clearImmediate immediate']);
    w.resolve();
    await done;
  });

  it('swaps once for nested or concurrent waits and restores after the last, also when a wait fails', async () => {
    const f = fakeHost();
    const a = pending();
    const b = pending();
    const first = f.throttle.around(() => a.promise);
    const second = f.throttle.around(() => b.promise);
    const wrapper = f.host.setImmediate;
    expect(wrapper).not.toBe(f.original.set);
    a.reject(new Error('device lost'));
    await expect(first).rejects.toThrow('device lost');
    expect(f.host.setImmediate).toBe(wrapper); // the second wait is still on
    f.clock.t += SPIN_MS; // the spin counts from the first wait's start
    f.host.setImmediate(() => {});
    expect(f.log.at(-1)).toBe(`timeout ${POLL_INTERVAL_MS}`);
    b.resolve();
    await second;
    expect(f.host.setImmediate).toBe(f.original.set);
    expect(f.throttle.stats.waits).toBe(2);
  });

  it('leaves a setImmediate that someone else installed during the wait in place', async () => {
    const f = fakeHost();
    const w = pending();
    const done = f.throttle.around(() => w.promise);
    const theirs: TimerHost['setImmediate'] = () => 'fake timers';
    f.host.setImmediate = theirs;
    w.resolve();
    await done;
    expect(f.host.setImmediate).toBe(theirs);
  });
});
