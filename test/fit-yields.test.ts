/**
 * fit lets the host's event loop run between groups of steps, on the CPU backend too, where every
 * await would otherwise resolve as a microtask: a timer set before fit must fire before fit ends.
 * (Without this, a long CPU fit holds its thread: vitest's worker RPC timed out, a page froze.)
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { Dense, Flatten } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { setBackend } from '../engine/runtime.js';

describe('fit on the CPU backend', () => {
  it('yields to timers while it trains', async () => {
    setBackend(new CpuBackend());
    const model = new Sequential([new Flatten({ inputShape: [4] }), new Dense({ units: 2 })], { seed: 3 }).compile();
    const n = 64;
    const x = { values: Float32Array.from({ length: n * 4 }, (_, i) => (i % 7) / 7), shape: [n, 4] };
    const y = Array.from({ length: n }, (_, i) => i % 2);
    let timerFiredDuringFit = false;
    let fitting = true;
    setTimeout(() => { timerFiredDuringFit = fitting; }, 0);
    await model.fit(x, y, { epochs: 2, batchSize: 4, readEvery: 2, verbose: 0 });
    fitting = false;
    expect(timerFiredDuringFit).toBe(true);
  });
});
