/**
 * The tune suite's conv/matmul table (issue 11, target 2): the ratio comes from the paired timing
 * (each conv kernel and the matmul at its GEMM shape sampled in alternation) where the report has
 * it, and from the two variant tables in reports written before it existed.
 */
import { describe, expect, it } from 'vitest';
import { convVsMatmul, tuneText } from '../bench/render.js';
import type { TuneReport } from '../bench/suites.js';
import type { TuneRow } from '../engine/backends/webgpu/tuner.js';

const gemm = { M: 173056, N: 32, K: 9 };
const flops = 2 * gemm.M * gemm.N * gemm.K;
const row = (kernel: 'conv2d' | 'matmul', shape: string, ms: number): TuneRow => ({
  kernel, shape, flops, gemm, chosen: 'blocked', source: 'gpu-timestamp',
  variants: { blocked: { ms, gflops: flops / (ms * 1e6) } },
});
// From the tables: conv 20 ms, matmul 10 ms (50%); paired: conv 20 ms, matmul 16 ms (80%).
const tables: TuneReport = {
  adapter: 'test', batch: 256, source: 'gpu-timestamp',
  rows: [row('conv2d', '[256,28,28,1] k3x3 s1,1 p0,0 -> [26,26,32]', 20)],
  matmulAtConvShapes: [row('matmul', '173056x9x32', 10)],
};
const paired: TuneReport = {
  ...tables,
  paired: [{
    kernel: 'conv2d', shape: '[256,28,28,1] k3x3 s1,1 p0,0 -> [26,26,32]', gemm, rounds: 9,
    conv: { variant: 'blocked', ms: 20, gflops: flops / 20e6 },
    matmul: { variant: 'subgroup', ms: 16, gflops: flops / 16e6 },
  }],
};

describe('conv against matmul (tune suite)', () => {
  it('takes the paired timing where the report has it', () => {
    const [c] = convVsMatmul(paired);
    expect(c.ratio).toBeCloseTo(0.8, 12);
    expect(c.gemm).toBe('173056, 32, 9');
    expect(tuneText(paired)).toMatch(/timed in alternation, best of 9 rounds each:[\s\S]*80%/);
  });

  it('falls back to the two variant tables for an older report', () => {
    const [c] = convVsMatmul(tables);
    expect(c.ratio).toBeCloseTo(0.5, 12);
    expect(tuneText(tables)).toMatch(/from the variant tables above:[\s\S]*50%/);
  });
});
