/**
 * One parity suite over every backend present: every kernel, forward and backward, against the
 * CPU backend in float32 (test/helpers/webgpu-parity-cases.ts states the tolerance: 1e-5 relative
 * plus 8 * 2^-24 * L * max|expected| absolute, L the reduction length; int32 results exact).
 *
 * Backends: WebGPU with the default tiling (channelVec4 on, whatever the adapter), WebGPU with another tiling and at most 64 workgroups
 * per dispatch dimension (so nearly every dispatch is folded into 2-D or 3-D, and the element-wise kernels' grid is capped
 * so that each invocation loops over several elements), and the CPU in
 * float64 (the same assertions, as a check of the cases themselves). The WebGPU backends must
 * exist: if no adapter is found the suite FAILS, it does not skip.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, TensorData } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { WgslCompileError } from '../engine/backends/webgpu/programs.js';
import { SHADERS } from '../engine/backends/webgpu/shaders.generated.js';
import { TUNED_KERNELS, VARIANTS, type TunedKernel, type VariantName } from '../engine/backends/webgpu/variants.js';
import { variantPrograms } from '../engine/backends/webgpu/kernels/index.js';
import { nodeGPU } from '../node/webgpu.js';
import { opFamilyParityCases } from './helpers/op-family-parity-cases.js';
import { Rng } from './helpers/rng.js';
import { compare, parityCases, type CaseResult, type ParityCase } from './helpers/webgpu-parity-cases.js';
import { onLaunch } from './helpers/on-launch.js';

const reference = new CpuBackend('float32');
const opFamilySmall = opFamilyParityCases(false);
// The op families' large cases test folding at the real 65,535 limit: run on the default WebGPU
// backend only (the folded one folds at 64 already, and the CPU has no dispatch).
const opFamilyLarge = opFamilyParityCases(true).filter((c) => !opFamilySmall.some((s) => s.name === c.name));
const cases = [...parityCases(true), ...opFamilySmall];
const expected = new Map<string, CaseResult>();

/**
 * The cases that call a tuned kernel (matmul, the convolutions, sum: variants.ts), found by running
 * every case on the float32 reference through a spy (their results are the expected ones), so
 * the variants' subjects below run exactly those, and no list kept by hand can drift.
 */
async function casesCallingTunedKernels(): Promise<ParityCase[]> {
  const tuned = new Set<string>(TUNED_KERNELS);
  let calls = false;
  const kernels = Object.fromEntries(Object.entries(reference.kernels).map(([k, f]) => [k, (...args: unknown[]) => {
    if (tuned.has(k)) calls = true;
    return (f as (...a: unknown[]) => unknown)(...args);
  }]));
  const spy = Object.create(reference, { kernels: { value: kernels } }) as Backend;
  const found: ParityCase[] = [];
  for (const c of cases) {
    calls = false;
    expected.set(c.name, await c.run(spy));
    if (calls) found.push(c);
  }
  return found;
}
// The CNN-sized cases ('conv1-like', 'conv2-like') run on the default variants only: on a software
// adapter the workgroup-memory variants take seconds each there, and the odd-shaped cases reach
// every edge of the variants' code (partial tiles, strides, padding, N < 4, K not a multiple of
// the tile, transposes, long sums).
const variantCases = (await casesCallingTunedKernels()).filter((c) => !c.name.includes('-like'));
const every = (v: VariantName) => Object.fromEntries(TUNED_KERNELS.map((k) => [k, v])) as Record<TunedKernel, VariantName>;
// elementGroups 100: element-wise kernels past 3,200 elements loop (grid stride), and their
// 100 workgroups still fold into 2-D under the 64-per-dimension limit.
const OTHER_TILING = { elementwise: 32, matmul: [4, 16], conv: [16, 4], reductionThreads: 2048, vec4: false, elementGroups: 100 } as const;

let webgpu: WebGPUBackend | null = null;
let folded: WebGPUBackend | null = null;
let tiled: WebGPUBackend | null = null;
let subgroup: WebGPUBackend | null = null;
let setupError: unknown = null;

beforeAll(async () => {
  try {
    // channelVec4 and wideBlocks on whatever the adapter's default (off on lavapipe; wideBlocks
    // only on SwiftShader: launch.ts), so every adapter runs the channel-vec4 conv kernels and
    // their 16 x 16 forms; the cases with other channel counts run the rest.
    // poisonNewBuffers on every subject: a new buffer holds NaN, not zeros, so a kernel that reads
    // memory it never wrote fails its case (node/webgpu.ts turns Dawn's zero-fill off).
    const poisonNewBuffers = true;
    webgpu = await WebGPUBackend.create(nodeGPU(), { tiling: { channelVec4: true, wideBlocks: true }, poisonNewBuffers });
    folded = await WebGPUBackend.create(nodeGPU(), { maxWorkgroupsPerDimension: 64, tiling: OTHER_TILING, poisonNewBuffers });
    // The variants compile on first use: these backends compile nothing else up front.
    tiled = await WebGPUBackend.create(nodeGPU(), { variants: every('tiled'), precompile: false, poisonNewBuffers });
    if (webgpu.subgroups) {
      subgroup = await WebGPUBackend.create(nodeGPU(), {
        variants: every('subgroup'), precompile: false, maxWorkgroupsPerDimension: 64, tiling: OTHER_TILING, poisonNewBuffers,
      });
    }
    for (const b of [webgpu, folded, tiled, subgroup]) if (b) recordLaunches(b);
    console.log(`parity: ${webgpu.describe()}; pipelines compiled in ${webgpu.compileMs.toFixed(0)} ms (summed)`);
  } catch (e) {
    setupError = e;
  }
}, 300_000);

/**
 * The WGSL programs each backend launched, so the suite can show that its cases reach every
 * program of every variant (a variant picks among its programs by shape: vec4 or not, one
 * input channel, channels per tap, column sums), not just every variant.
 */
const launched = new Set<string>();
function recordLaunches(b: WebGPUBackend): void {
  onLaunch(b, (shader) => launched.add(shader));
}

afterAll(() => {
  for (const b of [webgpu, folded, tiled, subgroup]) b?.device.destroy();
});

interface Subject {
  readonly label: string;
  get(): Backend;
}

const subjects: Subject[] = [
  { label: 'webgpu', get: () => need(webgpu) },
  { label: 'webgpu folded (64 workgroups/dim, other tiling)', get: () => need(folded) },
  { label: 'cpu float64', get: () => new CpuBackend('float64') },
];

function need(b: WebGPUBackend | null): WebGPUBackend {
  if (!b) throw new Error(`No WebGPU backend: ${setupError instanceof Error ? setupError.message : String(setupError)}`);
  return b;
}

it('finds a WebGPU adapter (fails, not skips, without one)', () => {
  expect(setupError, String(setupError)).toBeNull();
  expect(webgpu).not.toBeNull();
  expect(webgpu!.describe()).toMatch(/^webgpu: /);
});

/** Runs case `c` on `be` and checks it against the CPU reference; returns what `be` computed. */
async function expectParity(be: Backend, c: ParityCase): Promise<CaseResult> {
  if (!expected.has(c.name)) expected.set(c.name, await c.run(reference));
  const want = expected.get(c.name)!;
  const got = await c.run(be);
  expect(Object.keys(got.outputs).sort()).toEqual(Object.keys(want.outputs).sort());
  for (const [k, w] of Object.entries(want.outputs)) {
    const exact = w instanceof Int32Array;
    if (exact) expect(got.outputs[k]).toBeInstanceOf(Int32Array);
    const problem = compare(got.outputs[k], w, c.reduction, exact);
    expect(problem, `${c.name}: output '${k}'`).toBeNull();
  }
  return got;
}

describe.each(subjects)('parity on $label', (subject) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => { await expectParity(subject.get(), c); });
});

// Every variant of the tuned kernels, on the cases that call them (variants.ts), with the same
// tolerances: the tiled ones on the default tiling, the subgroup ones on another (non-square
// workgroups: conv [16, 4], matmul [4, 16]; folded at 64 workgroups per dimension). On lavapipe
// (subgroups of 8) a 4-wide matmul workgroup row spans two row blocks, so the subgroup kernels'
// fallback (no shared rows) runs there, and their shuffles in the 16-wide conv rows.
const variantSubjects: Subject[] = [
  { label: 'webgpu, tiled variants', get: () => need(tiled) },
  { label: 'webgpu, subgroup variants, other tiling, folded', get: () => needSubgroups(subgroup) },
];

function needSubgroups(b: WebGPUBackend | null): WebGPUBackend {
  if (!b && webgpu && !webgpu.subgroups) throw new Error(`${webgpu.describe()} has no 'subgroups' feature: the subgroup variants cannot run here`);
  return need(b);
}

it('the variants run on every case that calls a tuned kernel', () => {
  const names = variantCases.map((c) => c.name);
  for (const k of ['matmul ', 'conv2d ', 'conv2dBackpropInput ', 'conv2dBackpropFilter ', 'sum ']) {
    expect(names.some((n) => n.startsWith(k)), `a case starting '${k}'`).toBe(true);
  }
});

describe.each(variantSubjects)('parity on $label', (subject) => {
  it.each(variantCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => { await expectParity(subject.get(), c); });
});

// The interim program a first step runs while the final one compiles in the background
// (Gpu.ready; kernels/conv2d.ts): on a backend that compiles on first use, a one-channel 3x3
// forward pass runs conv2d_c1_3x3_rows, and after warmed() conv2d_c1_3x3, with the same bits.
// A fresh backend per case, so its first call finds nothing compiled.
describe('parity of the interim programs on a backend that compiles on first use', () => {
  const interim = cases.filter((c) => c.name.startsWith('conv2d one channel 3x3'));
  it('has cases', () => expect(interim.length).toBe(2));
  it.each(interim.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    need(webgpu);
    const lazy = await WebGPUBackend.create(nodeGPU(), { precompile: false, poisonNewBuffers: true });
    try {
      let programs: string[] = [];
      onLaunch(lazy, (shader) => {
        launched.add(shader);
        programs.push(shader);
      });
      // One run before warmed(): its read starts the background compile, so a second run
      // could already find conv2d_c1_3x3 compiled.
      const first = await expectParity(lazy, c);
      const beforeCompile = programs;
      programs = [];
      await lazy.warmed();
      const warm = await c.run(lazy);
      expect(beforeCompile).toContain('conv2d_c1_3x3_rows');
      expect(beforeCompile).not.toContain('conv2d_c1_3x3');
      expect(programs).toContain('conv2d_c1_3x3');
      expect(Array.from(warm.outputs.y)).toEqual(Array.from(first.outputs.y));
    } finally {
      lazy.device.destroy();
    }
  }, 60_000);
});

// After the parity runs above (vitest runs a file's tests in order; a run filtered with -t
// leaves programs unlaunched and fails here).
it('the parity cases launch every program of every variant of the tuned kernels', () => {
  need(webgpu);
  const missing = TUNED_KERNELS.flatMap((k) => VARIANTS.flatMap((v) => variantPrograms(k, v).filter((p) => !launched.has(p.shader)).map((p) => `${k} ${v}: ${p.shader}`)));
  expect(missing, 'programs no parity case launched').toEqual([]);
});

describe('parity on webgpu at the real 65,535-workgroup limit (the op families)', () => {
  it.each(opFamilyLarge.map((c) => [c.name, c] as const))('%s', async (_name, c) => { await expectParity(need(webgpu), c); });
});

describe('webgpu: the promises of the op families', () => {
  async function bits(be: Backend, t: TensorData): Promise<number[]> {
    return Array.from(new Int32Array(Float32Array.from(await be.read(t)).buffer));
  }

  it("gather's backward sums in index order: the CPU's float32 bits, and the same bits on every run", async () => {
    const be = need(webgpu);
    const rng = new Rng(54);
    const idx = Array.from({ length: 300 }, () => rng.int(50));
    const dy = rng.values(300 * 9, -3, 3);
    const run = async (b: Backend) => {
      const out = b.kernels.gatherBackward(b.upload(dy, [300, 9], 'float32'), b.upload(idx, [300], 'int32'), 0, [50, 9]);
      return bits(b, out);
    };
    const cpu = await run(reference);
    expect(await run(be)).toEqual(cpu);
    expect(await run(be)).toEqual(cpu);
  });

  it('softmaxCrossEntropyRows: a label out of range on the GPU gives NaN and the next read names the op and the position', async () => {
    const be = need(webgpu);
    const logits = be.upload([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [2, 3], 'float32');
    const labels = be.upload([2, 3], [2], 'int32');
    const { rowLoss } = be.kernels.softmaxCrossEntropyRows(logits, labels, 0.1);
    await expect(be.read(rowLoss)).rejects.toThrow(/^softmaxCrossEntropy: label 3 at batch position 1 is out of range for 3 classes.*kernel softmaxCrossEntropyRows/);
    const good = be.kernels.softmaxCrossEntropyRows(logits, be.upload([2, 0], [2], 'int32'), 0.1);
    expect(Array.from(await be.read(good.rowLoss)).every(Number.isFinite)).toBe(true);
  });

  it("dropout: the CPU's mask and float32 bits for the same seed", async () => {
    const be = need(webgpu);
    const x = new Rng(92).values(10_007, -3, 3);
    for (const [rate, seed] of [[0.25, 3], [0.75, 0xdeadbeef]]) {
      const run = (b: Backend) => bits(b, b.kernels.dropout(b.upload(x, [10_007], 'float32'), rate, seed));
      expect(await run(be)).toEqual(await run(reference));
    }
  });
});

describe('webgpu runtime', () => {
  it('folds dispatches beyond the per-dimension limit into 2-D and 3-D', () => {
    const be = need(folded);
    expect(be.fold(64)).toEqual([64, 1, 1]);
    expect(be.fold(65)).toEqual([33, 2, 1]);
    expect(be.fold(64 * 64 + 1)).toEqual([64, 64, 2]);
    const real = need(webgpu);
    expect(real.fold(65_537)).toEqual([32_769, 2, 1]);
  });

  it('reports a broken WGSL override with its kernel, line and message (reflected lazily)', async () => {
    const code = SHADERS.scale.code;
    const broken = code.replace('return v * p.factor;', 'return v * p.factr;');
    expect(broken).not.toBe(code);
    const line = broken.split('\n').findIndex((l) => l.includes('p.factr')) + 1;
    const attempt = WebGPUBackend.create(nodeGPU(), { shaderOverrides: { scale: broken } });
    await expect(attempt).rejects.toBeInstanceOf(WgslCompileError);
    const err = (await attempt.catch((e: unknown) => e)) as WgslCompileError;
    expect(err.kernel).toBe('scale');
    expect(err.line).toBe(line);
    expect(err.message).toContain(`kernel 'scale' (shaders/scale.wgsl (override):${line}:`);
    expect(err.message).toMatch(/factr/);
  });

  it('names the included prelude and its own line when the error is in an include', async () => {
    const { code, layout, lines } = SHADERS.scale;
    const prelude = readFileSync('shaders/include/map.wgsl', 'utf8').split('\n');
    const preludeLine = prelude.findIndex((l) => l.includes('y[i] = map(x[i]);')) + 1;
    expect(preludeLine).toBeGreaterThan(0);
    const broken = code.replace('y[i] = map(x[i]);', 'y[i] = mapp(x[i]);');
    expect(broken).not.toBe(code);
    // Same line count, so the kernel's own line map still holds.
    const attempt = WebGPUBackend.create(nodeGPU(), { shaderOverrides: { scale: { code: broken, layout, lines } } });
    const err = (await attempt.catch((e: unknown) => e)) as WgslCompileError;
    expect(err).toBeInstanceOf(WgslCompileError);
    expect(err.file).toBe('shaders/include/map.wgsl');
    expect(err.line).toBe(preludeLine);
    expect(err.message).toContain(`(shaders/include/map.wgsl:${preludeLine}:`);
    expect(err.message).toMatch(/mapp/);
  });

  it('poisons new buffers for the suite: one never written reads as NaN (f32) and -1 (i32)', async () => {
    // A backend of its own, so both buffers are new (the suite's backends reuse theirs).
    const be = await WebGPUBackend.create(nodeGPU(), { precompile: false, poisonNewBuffers: true });
    const f = be.out([1000], 'float32', 'unwritten probe');
    const i = be.out([1000], 'int32', 'unwritten probe');
    expect(Array.from(await be.read(f)).every(Number.isNaN)).toBe(true);
    expect(Array.from(await be.read(i)).every((v) => v === -1)).toBe(true);
    be.device.destroy();
  });

  it('rejects views that a storage binding cannot start at', () => {
    const be = need(webgpu);
    const t = be.fill([1000], 'float32', 0);
    expect(() => be.view(t, 3, [10])).toThrow(/minStorageBufferOffsetAlignment \(256 bytes = 64 elements\)/);
    expect(() => be.view(t, 990, [64])).toThrow(/outside/);
    be.release(t.storage);
  });

  it('surfaces GPU validation errors on read instead of returning numbers', async () => {
    const be = need(webgpu);
    const x = be.upload([1, 2, 3], [3], 'float32');
    x.storage.buffer.destroy();
    const y = be.kernels.scale(x, 2);
    await expect(be.read(y)).rejects.toThrow(/GPU error|destroyed/i);
    // The backend keeps working afterwards.
    const z = be.upload([4, 5], [2], 'float32');
    expect(Array.from(await be.read(be.kernels.scale(z, 2)))).toEqual([8, 10]);
  });

  it('records a chain of kernels in one encoder and submits once per read', async () => {
    const be = need(webgpu);
    const before = be.submitCount;
    let t = be.upload([1, 2, 3, 4], [4], 'float32');
    for (let i = 0; i < 50; i++) {
      const next = be.kernels.scale(t, 2);
      be.release(t.storage); // reuse inside the same encoder is safe: commands run in order
      t = next;
    }
    const out = await be.read(t);
    expect(Array.from(out)).toEqual([1, 2, 3, 4].map((v) => v * 2 ** 50));
    expect(be.submitCount - before).toBe(1);
    const mem = be.memory();
    expect(mem.allocatedBytes).toBeGreaterThanOrEqual(mem.usedBytes);
  });
});
