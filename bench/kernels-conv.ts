/**
 * `npx tsx bench/kernels-conv.ts`: the WebGPU conv kernels (forward, input gradient, filter
 * gradient) on the tutorial CNN's three convolutions at batch 256, old kernels vs new, measured
 * in the SAME process, interleaved (old, new, old, new, ...), median of --reps runs after a
 * warm-up. Each run records one kernel call (plus the filter gradient's chunk sum) and waits for
 * it (sync), so a run includes ~0.1-4 ms of submit overhead.
 *
 * Variants:
 * - old: tiling.vec4 = false, i.e. the 4x4 register-blocked scalar conv kernels (conv2d.wgsl,
 *   conv2d_backprop_input.wgsl, conv2d_backprop_filter.wgsl);
 * - vec4: tiling.channelVec4 = false, the vec4 kernels with scalar gathers of x / dy (the *_vec4 files);
 * - new: the current default tiling (vec4 conv kernels where the channel counts allow them, and
 *   channels read as vec4: conv2d_c4, conv2d_backprop_input_c4, conv2d_backprop_filter_c8, and
 *   on SwiftShader their 16 x 16 forms, the *_16x16 kernels);
 * - narrow / wide: the default with Tiling.wideBlocks off / on (8 x 8 or 16 x 16 blocks in the
 *   channel-vec4 kernels).
 * The new outputs are checked against the old (max |diff| relative to max |old|).
 * (Before the descriptor layout, 'old' was the conv shaders of commit b64dadc passed as
 * shaderOverrides; those files predate the shared preludes and their uniform blocks, so the
 * current launch cannot run them.)
 *
 * Options: --reps N (default 3), --only conv1|conv2|conv3, --kernels fwd,dx,dw, --batch N,
 * --variants old,new, --exp NAME=FILE.wgsl,... (a variant 'exp': the new tiling with these shaders,
 * written like the files of shaders/, includes allowed, passed as shaderOverrides, for trying a
 * kernel change against the current one in the same run; --exp2 likewise, variant 'exp2');
 * --exp-conv WX,WY sets the 'exp' variant's conv workgroup shape (tiling.conv).
 * --check: instead of timing, runs the default-tiling kernels on padded / strided geometries whose
 * channel counts select the vec4 kernels (the parity suite's padded cases have odd channels)
 * against the CPU backend, with the parity suite's tolerance.
 * --step: instead, whole training steps of the tutorial CNN (bench/workloads.ts), old vs new
 * backends interleaved, --reps steps each after a first step and a warm-up. Variant 'unthrottled' is
 * the default with Node's poll not throttled during GPU waits (poll-throttle.ts).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Conv2DGeometry, TensorData } from '../engine/backends/backend.js';
import { WebGPUBackend, type GPUStorage, type WebGPUBackendOptions } from '../engine/backends/webgpu/webgpu-backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { conv2dGeometry } from '../engine/ops/geometry.js';
import type { Backend, Padding } from '../engine/backends/backend.js';
import { compare } from '../test/helpers/webgpu-parity-cases.js';
import { setBackend } from '../engine/runtime.js';
import { engineTrainer, syntheticBatch } from './workloads.js';
import { Random } from '../engine/random.js';
import { nodeGPU } from '../node/webgpu.js';
import { conv2dBackpropFilterCount, conv2dBackpropInputCount, conv2dCount } from './flops.js';
import { summarise, table, type Timing } from './harness.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    only: { type: 'string' },
    kernels: { type: 'string', default: 'fwd,dx,dw' },
    batch: { type: 'string', default: '256' },
    variants: { type: 'string', default: 'old,new' },
    // Experiments: --exp conv2d_vec4=/tmp/a.wgsl,... adds a variant 'exp' (new tiling, these shaders).
    exp: { type: 'string' },
    exp2: { type: 'string' },
    // --exp-conv WX,WY: the conv workgroup shape (tiling.conv) of the 'exp' variant.
    'exp-conv': { type: 'string' },
    check: { type: 'boolean', default: false },
    step: { type: 'boolean', default: false },
  },
});
const reps = Number(args.reps);
const batch = Number(args.batch);
const kernelNames = args.kernels!.split(',');

type T = TensorData<GPUStorage>;

// The generator's include expansion, so an experiment file may #include the shared preludes.
const generator = (await import('../scripts/gen-shaders.mjs' as string)) as {
  expand(name: string, text: string, file: string): { code: string };
};

function overrides(spec: string | undefined): Record<string, string> {
  return Object.fromEntries(
    (spec ?? '').split(',').filter((e) => e).map((e) => {
      const [name, file] = e.split('=');
      return [name, generator.expand(name, readFileSync(file, 'utf8'), file).code];
    }),
  );
}

const variantOptions: Record<string, WebGPUBackendOptions> = {
  old: { tiling: { vec4: false } },
  vec4: { tiling: { channelVec4: false } },
  // The channel-vec4 kernels' 8 x 8 blocks where the adapter's default takes 16 x 16 (Tiling.wideBlocks).
  narrow: { tiling: { wideBlocks: false } },
  wide: { tiling: { wideBlocks: true } },
  new: {},
  // Node's poll not throttled during waits (poll-throttle.ts): it competes with a software adapter.
  unthrottled: { throttlePoll: false },
  exp: {
    shaderOverrides: overrides(args.exp),
    ...(args['exp-conv'] ? { tiling: { conv: args['exp-conv'].split(',').map(Number) as [number, number] } } : {}),
  },
  exp2: { shaderOverrides: overrides(args.exp2) },
};
const variants = args.variants!.split(',');

const convs: { name: string; x: number[]; w: number[] }[] = [
  { name: 'conv1', x: [batch, 28, 28, 1], w: [3, 3, 1, 32] },
  { name: 'conv2', x: [batch, 13, 13, 32], w: [3, 3, 32, 64] },
  { name: 'conv3', x: [batch, 5, 5, 64], w: [3, 3, 64, 64] },
].filter((c) => !args.only || c.name === args.only);

const rng = new Random(7);
const randn = (n: number) => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

async function main(): Promise<void> {
  const backends: Record<string, WebGPUBackend> = {};
  for (const v of variants) backends[v] = await WebGPUBackend.create(nodeGPU(), variantOptions[v]);
  const first = backends[variants[0]];
  console.log(`${first.describe()}; batch ${batch}; ${reps} reps, interleaved; variants ${variants.join(', ')}`);
  const rows: string[][] = [];
  for (const c of convs) {
    const g: Conv2DGeometry = conv2dGeometry(c.name, c.x, c.w, [1, 1], 'valid');
    const dyShape = [g.batch, g.outH, g.outW, g.outC];
    const xs = randn(size(c.x));
    const ws = randn(size(c.w));
    const bs = randn(g.outC);
    const dys = randn(size(dyShape));
    const data = Object.fromEntries(
      variants.map((v) => {
        const be = backends[v];
        return [v, { x: be.upload(xs, c.x, 'float32'), w: be.upload(ws, c.w, 'float32'), b: be.upload(bs, [g.outC], 'float32'), dy: be.upload(dys, dyShape, 'float32') }];
      }),
    );
    const calls: Record<string, { flops: number; run: (be: WebGPUBackend, d: (typeof data)[string]) => T }> = {
      fwd: { flops: conv2dCount(g, true, true).flops, run: (be, d) => be.kernels.conv2d(d.x, d.w, d.b, g, true) },
      dx: { flops: conv2dBackpropInputCount(g).flops, run: (be, d) => be.kernels.conv2dBackpropInput(d.dy, d.w, g) },
      dw: { flops: conv2dBackpropFilterCount(g).flops, run: (be, d) => be.kernels.conv2dBackpropFilter(d.x, d.dy, g) },
    };
    for (const k of kernelNames) {
      const call = calls[k];
      const outputs: Record<string, Float32Array> = {};
      const times: Record<string, number[]> = {};
      const firsts: Record<string, number> = {};
      // Warm-up (compiles the pipeline) and the output for the check.
      for (const v of variants) {
        const be = backends[v];
        const t0 = performance.now();
        const y = call.run(be, data[v]);
        outputs[v] = (await be.read(y)) as Float32Array;
        firsts[v] = performance.now() - t0;
        be.release(y.storage);
        times[v] = [];
      }
      for (let r = 0; r < reps; r++) {
        for (const v of variants) {
          const be = backends[v];
          const t0 = performance.now();
          const y = call.run(be, data[v]);
          await be.sync();
          times[v].push(performance.now() - t0);
          be.release(y.storage);
        }
      }
      const ref = outputs[variants[0]];
      let maxRef = 0;
      for (const e of ref) maxRef = Math.max(maxRef, Math.abs(e));
      const base = summarise(firsts[variants[0]], times[variants[0]]);
      for (const v of variants) {
        const t: Timing = summarise(firsts[v], times[v]);
        let maxDiff = 0;
        for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(outputs[v][i] - ref[i]));
        rows.push([
          `${c.name} ${k}`, v, t.median.toFixed(1), `${t.min.toFixed(0)}-${t.max.toFixed(0)}`,
          (call.flops / t.median / 1e6).toFixed(2), (base.median / t.median).toFixed(2) + 'x', (maxDiff / (maxRef || 1)).toExponential(1),
        ]);
      }
      console.log(table(['kernel', 'variant', 'median ms', 'range', 'GFLOP/s', 'speed-up', 'rel diff'], rows.slice(-variants.length)));
    }
  }
  console.log('\n' + table(['kernel', 'variant', 'median ms', 'range', 'GFLOP/s', 'speed-up', 'rel diff'], rows));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyBackend = Backend<any>;

async function check(): Promise<void> {
  const be = await WebGPUBackend.create(nodeGPU(), args.exp ? variantOptions.exp : {});
  const cpu = new CpuBackend('float32');
  const cases: [number[], number[], [number, number], Padding][] = [
    [[3, 9, 10, 8], [3, 3, 8, 12], [1, 1], 'same'],
    [[2, 9, 10, 4], [4, 2, 4, 8], [2, 2], 'same'],
    [[2, 12, 13, 8], [3, 2, 8, 4], [2, 3], 'valid'],
    [[2, 11, 7, 12], [5, 3, 12, 20], [3, 2], 'same'],
    [[5, 6, 6, 1], [3, 3, 1, 4], [1, 1], 'same'],
    [[3, 7, 7, 16], [1, 1, 16, 4], [1, 1], 'valid'],
    [[2, 5, 5, 64], [3, 3, 64, 64], [1, 1], 'same'],
  ];
  let bad = 0;
  for (const [xs, wsh, strides, padding] of cases) {
    const g = conv2dGeometry('check', xs, wsh, strides, padding);
    const dyShape = [g.batch, g.outH, g.outW, g.outC];
    const xv = randn(size(xs)), wv = randn(size(wsh)), bv = randn(g.outC), dyv = randn(size(dyShape));
    const K = g.kH * g.kW * g.inC;
    const runs: [string, number, (b: AnyBackend) => Promise<ArrayLike<number>>][] = [
      ['fwd', K, (b) => b.read(b.kernels.conv2d(b.upload(xv, xs, 'float32'), b.upload(wv, wsh, 'float32'), b.upload(bv, [g.outC], 'float32'), g, true))],
      ['dx', g.kH * g.kW * g.outC, (b) => b.read(b.kernels.conv2dBackpropInput(b.upload(dyv, dyShape, 'float32'), b.upload(wv, wsh, 'float32'), g))],
      ['dw', g.batch * g.outH * g.outW, (b) => b.read(b.kernels.conv2dBackpropFilter(b.upload(xv, xs, 'float32'), b.upload(dyv, dyShape, 'float32'), g))],
    ];
    for (const [k, L, run] of runs) {
      const problem = compare(await run(be), await run(cpu), L, false);
      if (problem) bad++;
      console.log(`${problem ? 'FAIL' : 'ok  '} ${k} x [${xs}] w [${wsh}] strides [${strides}] ${padding}${problem ? ': ' + problem : ''}`);
    }
  }
  if (bad) process.exit(1);
}

async function steps(): Promise<void> {
  const data = syntheticBatch(batch);
  const trainers = [];
  for (const v of variants) {
    const be = await WebGPUBackend.create(nodeGPU(), variantOptions[v]);
    if (v === variants[0]) console.log(`${be.describe()}; training step at batch ${batch}; ${reps} reps, interleaved`);
    const tr = engineTrainer(be, data);
    await tr.step(); // first step: pipelines, buffers
    await tr.step(); // warm-up
    await be.warmed(); // the programs compiling in the background (WebGPUBackend.ready)
    trainers.push({ v, be, tr, times: [] as number[], loss: 0 });
  }
  for (let r = 0; r < reps; r++) {
    for (const t of trainers) {
      setBackend(t.be);
      const t0 = performance.now();
      t.loss = await t.tr.step();
      t.times.push(performance.now() - t0);
    }
  }
  const base = summarise(0, trainers[0].times);
  console.log(table(['step', 'median ms', 'range', 'speed-up', 'loss after'], trainers.map((t) => {
    const s = summarise(0, t.times);
    return [t.v, s.median.toFixed(0), `${s.min.toFixed(0)}-${s.max.toFixed(0)}`, (base.median / s.median).toFixed(2) + 'x', t.loss.toFixed(6)];
  })));
}

if (args.check) await check();
else if (args.step) await steps();
else await main();
