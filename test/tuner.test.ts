/**
 * The autotuner (engine/backends/webgpu/tuner.ts): its ranking under a timer quantised to 0.1 ms
 * (as browsers quantise performance.now() and GPU timestamps), its cache (memory and a file), and
 * one real tuning pass on WebGPU whose choices the backend then runs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conv2dGeometry } from '../engine/ops/geometry.js';
import { clearMemoryCache } from '../engine/backends/webgpu/tune-cache.js';
import { pickFastest, tuneWithCache, type Candidate } from '../engine/backends/webgpu/tuner.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { fileStore } from '../node/tune-store.js';
import { nodeGPU } from '../node/webgpu.js';
import { Rng } from './helpers/rng.js';

/** A clock that only moves when fake work runs, read through a 0.1 ms quantiser. */
function fakeDevice(seed: number) {
  let now = 0;
  const rng = new Rng(seed);
  return {
    clock: () => Math.floor(now / 0.1) * 0.1,
    /** A variant costing `msPerRun` per repetition, plus a fixed submit cost and up to 30% noise per sample. */
    variant: (name: string, msPerRun: number): Candidate => ({
      name,
      run: async (reps) => {
        now += 0.05 + reps * msPerRun * (1 + 0.3 * rng.next());
        return null;
      },
    }),
  };
}

describe('pickFastest under a 0.1 ms timer', () => {
  it('picks the variant that costs half as much, though one run of either is far below a tick', async () => {
    for (const [seed, order] of [[1, 'cheap first'], [2, 'dear first']] as const) {
      const d = fakeDevice(seed);
      const cheap = d.variant('cheap', 0.004);
      const dear = d.variant('dear', 0.008);
      const pick = await pickFastest(order === 'cheap first' ? [cheap, dear] : [dear, cheap], { clock: d.clock });
      expect(pick.best, order).toBe('cheap');
      // The repetitions reached the sample length, so the measured ratio is near the true 2x.
      expect(pick.reps.cheap).toBeGreaterThan(1000);
      expect(pick.msPerRun.dear / pick.msPerRun.cheap).toBeGreaterThan(1.4);
      expect(pick.msPerRun.dear / pick.msPerRun.cheap).toBeLessThan(2.9);
    }
  });

  it('separates a 1.25x difference among three variants', async () => {
    const d = fakeDevice(3);
    const pick = await pickFastest([d.variant('a', 0.05), d.variant('b', 0.04), d.variant('c', 0.0625)], { clock: d.clock, rounds: 5 });
    expect(pick.best).toBe('b');
  });

  it('passes over a variant that fails, and names it', async () => {
    const d = fakeDevice(4);
    const broken: Candidate = { name: 'broken', run: async () => { throw new Error('pipeline failed'); } };
    const pick = await pickFastest([broken, d.variant('ok', 0.01)], { clock: d.clock });
    expect(pick.best).toBe('ok');
    expect(pick.failed.broken).toMatch(/pipeline failed/);
    await expect(pickFastest([broken], { clock: d.clock })).rejects.toThrow(/every candidate failed: broken: pipeline failed/);
  });
});

describe('the file store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tune-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps values by key across stores on the same file, and names a corrupt file', async () => {
    const path = join(dir, 'sub', 'tuning.json');
    await fileStore(path).set('a', { matmul: { '8x8x8': 'tiled' } });
    await fileStore(path).set('b', 2);
    expect(await fileStore(path).get('a')).toEqual({ matmul: { '8x8x8': 'tiled' } });
    expect(await fileStore(path).get('missing')).toBeUndefined();
    writeFileSync(path, '{ not json');
    await expect(fileStore(path).get('a')).rejects.toThrow(new RegExp(`tuning store ${path.replace(/[/.]/g, '\\$&')}: not valid JSON`));
  });
});

describe('tuning on WebGPU', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tune-gpu-'));
  let be: WebGPUBackend | null = null;
  afterAll(() => {
    be?.device.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('times every variant of the shapes a workload uses, runs the choice, and caches it per adapter', async () => {
    be = await WebGPUBackend.create(nodeGPU(), { precompile: false });
    const b = be;
    const rng = new Rng(5);
    const a = b.upload(rng.values(24 * 40), [24, 40], 'float32');
    const w = b.upload(rng.values(40 * 12), [40, 12], 'float32');
    const g = conv2dGeometry('conv2d', [2, 9, 9, 3], [3, 3, 3, 8], [1, 1], 'same');
    const x = b.upload(rng.values(2 * 9 * 9 * 3), [2, 9, 9, 3], 'float32');
    const f = b.upload(rng.values(3 * 3 * 3 * 8), [3, 3, 3, 8], 'float32');
    const workload = () => {
      b.release(b.kernels.matmul(a, w, false, false).storage);
      b.release(b.kernels.conv2d(x, f, null, g, true).storage);
    };
    const store = fileStore(join(dir, 'tuning.json'));
    const lines: string[] = [];
    const first = await tuneWithCache(b, workload, { store, log: (l) => lines.push(l), minSampleMs: 4, rounds: 1 });
    expect(first.rows.map((r) => r.kernel).sort()).toEqual(['conv2d', 'matmul']);
    const variants = b.availableVariants();
    expect(variants).toEqual(b.subgroups ? ['blocked', 'tiled', 'subgroup'] : ['blocked', 'tiled']);
    for (const r of first.rows) {
      expect(Object.keys(r.variants).sort()).toEqual([...variants].sort());
      for (const v of Object.values(r.variants)) expect(v && 'ms' in v && v.ms > 0 && v.gflops > 0, JSON.stringify(v)).toBe(true);
      expect(first.choices[r.kernel]?.[r.shape]).toBe(r.chosen);
    }
    expect(lines.some((l) => /^tuner: matmul 24x40x12: blocked .* ms .* -> (blocked|tiled|subgroup)$/.test(l)), lines.join('\n')).toBe(true);
    // The backend now runs the choice: the tuned shape asks for it.
    expect(b.variant('matmul', '24x40x12', () => { throw new Error('not recording'); })).toBe(first.choices.matmul!['24x40x12']);
    // The file holds the choice under the adapter's key; a second pass tunes nothing.
    expect(JSON.parse(readFileSync(join(dir, 'tuning.json'), 'utf8'))[first.key]).toEqual(first.choices);
    const again = await tuneWithCache(b, workload, { store, log: () => {}, minSampleMs: 4, rounds: 1 });
    expect(again.rows).toEqual([]);
    // From the file alone (memory forgotten), the same.
    clearMemoryCache();
    const fresh = await WebGPUBackend.create(nodeGPU(), { precompile: false });
    try {
      const fromFile = await tuneWithCache(fresh, () => {}, { store, log: () => {} });
      expect(fromFile.cachedShapes).toBe(2);
      expect(fresh.choices).toEqual(first.choices);
    } finally {
      fresh.device.destroy();
    }
  }, 120_000);
});
