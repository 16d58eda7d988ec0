/**
 * The wait pacer (engine/backends/webgpu/wait-pacer.ts) on a fake clock: a workload seen before
 * sleeps PACE_FRACTION of its last time less what has passed since its first submit; a new
 * workload, an empty one and a short one do not sleep; the learned time shrinks when the work
 * was done before the sleep ended and grows when it was slower. The backend's default (paced in
 * Node on SwiftShader and lavapipe) is checked on a device in test/webgpu-train-step.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { PACE_FRACTION, PACE_MIN_MS, WaitPacer } from '../engine/backends/webgpu/wait-pacer.js';

/** A pacer whose clock moves only when told to, or by the sleeps it takes. */
function fakePacer() {
  const clock = { t: 1000 };
  const sleeps: number[] = [];
  const pacer = new WaitPacer(PACE_FRACTION, () => clock.t, async (ms) => {
    sleeps.push(ms);
    clock.t += ms;
  });
  /** One workload: its dispatches, a submit, `hostMs` of host work, a wait whose GPU part ends `gpuMs` after the submit. */
  const run = async (programs: [string, number][], gpuMs: number, hostMs = 0) => {
    for (const [name, groups] of programs) pacer.dispatched(name, groups);
    pacer.submitted();
    const submittedAt = clock.t;
    clock.t += hostMs;
    const token = await pacer.beforeWait();
    clock.t = Math.max(clock.t, submittedAt + gpuMs); // the poll returns when the work is done
    pacer.afterWait(token);
    return token;
  };
  return { clock, sleeps, pacer, run };
}

const STEP: [string, number][] = [['conv2d_vec4', 484], ['relu_backward', 256], ['adam', 3]];

describe('wait pacer', () => {
  it('sleeps PACE_FRACTION of the last run of the same workload, less the time already passed', async () => {
    const f = fakePacer();
    await f.run(STEP, 1000);
    expect(f.sleeps).toEqual([]); // first run: nothing learned yet
    expect(f.pacer.stats.unseen).toBe(1);
    expect(f.pacer.learnedMs()).toEqual([1000]);
    await f.run(STEP, 1000, 50);
    expect(f.sleeps).toEqual([PACE_FRACTION * 1000 - 50]);
    expect(f.pacer.stats).toMatchObject({ paced: 1, sleptMs: PACE_FRACTION * 1000 - 50 });
  });

  it('does not sleep for a workload it has not seen: another program, another grid, another order', async () => {
    const f = fakePacer();
    await f.run(STEP, 1000);
    await f.run([['conv2d_vec4', 484], ['relu_backward', 256]], 1000);
    await f.run([['conv2d_vec4', 485], ['relu_backward', 256], ['adam', 3]], 1000);
    await f.run([['relu_backward', 256], ['conv2d_vec4', 484], ['adam', 3]], 1000);
    expect(f.sleeps).toEqual([]);
    expect(f.pacer.stats.unseen).toBe(4);
  });

  it('returns no token and learns nothing for a wait with no dispatch since the last one', async () => {
    const f = fakePacer();
    await f.run(STEP, 1000);
    f.pacer.submitted(); // e.g. a copy-only read
    expect(await f.pacer.beforeWait()).toBeNull();
    expect(f.pacer.learnedMs()).toEqual([1000]);
  });

  it('does not pace work shorter than PACE_MIN_MS', async () => {
    const f = fakePacer();
    await f.run(STEP, PACE_MIN_MS - 1);
    await f.run(STEP, PACE_MIN_MS - 1);
    expect(f.sleeps).toEqual([]);
  });

  it('follows the workload: shorter after a sleep that outlasted the work, the true time after a slower run', async () => {
    const f = fakePacer();
    await f.run(STEP, 1000);
    await f.run(STEP, 400); // the work got faster: done before the sleep of 850 ms ended
    expect(f.pacer.learnedMs()[0]).toBeCloseTo(PACE_FRACTION * 1000);
    await f.run(STEP, 400);
    expect(f.sleeps[1]).toBeCloseTo(PACE_FRACTION * PACE_FRACTION * 1000);
    for (let i = 0; i < 8; i++) await f.run(STEP, 400);
    const settled = f.pacer.learnedMs()[0];
    expect(settled).toBeGreaterThanOrEqual(400); // never learns less than the work takes
    expect(settled).toBeLessThan(400 / PACE_FRACTION + 1);
    await f.run(STEP, 2000); // slower: measured as it is
    expect(f.pacer.learnedMs()[0]).toBe(2000);
  });
});
