/**
 * `npm run bench:step`: ms per training step of the tutorial CNN (forward, loss, backward, Adam)
 * on this engine's WebGPU backend in Node (Dawn, the `webgpu` package; the driver from
 * WEBGPU_ADAPTER) beside its CPU backend, same model, batch and run, with the ratio and the
 * adapter's name. `--browser` also runs the same step in headless Chrome (bench/page).
 *
 * Beside the speed it prints, from the WebGPU pool's statistics (buffer-pool.ts):
 * - memory: the peak GPU memory of one step at --batch against the peak bytes of its live
 *   tensors (issue 11's target: at most 1.5x), and the pool over --growth steps at
 *   --growth-batch (it must not grow once warm);
 * - the first step, two ways: a backend made without any precompilation, whose first step
 *   compiles its pipelines as it goes (the lazy start; made first, so a cold start); then the
 *   device, the pipelines of the programs one traced step launches (compiled in parallel with
 *   createComputePipelineAsync: WebGPUBackend.precompileFor, as the train CLI does), the first
 *   step (allocation), against a warm step.
 *
 * Options: --batch N (default 256), --reps N (measured steps after one first step and one
 * warm-up; default 3), --browser, --no-cpu, --growth N (steps of the memory loop; default 1000,
 * 0 to skip), --growth-batch N (default 32), --no-lazy (skip the backend without precompilation),
 * --tune (also tune the kernel variants for this
 * step, engine/backends/webgpu/tuner.ts, cached in WEBGPU_ENGINE_CACHE or ~/.cache, and measure
 * the tuned step beside the default one, with the one-time tuning cost printed apart).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Backend } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { tuneWithCache } from '../engine/backends/webgpu/tuner.js';
import { tuningCachePath } from '../model/kernel-tuning.js';
import { fileStore } from '../node/tune-store.js';
import { nodeDriver, nodeGPU } from '../node/webgpu.js';
import { fmtMs, table, time, type Timing } from './harness.js';
import { engineTrainer, precompileTrainerStep, syntheticBatch } from './workloads.js';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '256' },
    reps: { type: 'string', default: '3' },
    browser: { type: 'boolean', default: false },
    'no-cpu': { type: 'boolean', default: false },
    tune: { type: 'boolean', default: false },
    growth: { type: 'string', default: '1000' },
    'growth-batch': { type: 'string', default: '32' },
    'no-lazy': { type: 'boolean', default: false },
  },
});
const batch = Number(args.batch);
const reps = Number(args.reps);
const growthSteps = Number(args.growth);
const growthBatch = Number(args['growth-batch']);
const data = syntheticBatch(batch);
const MiB = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');

console.log(
  `Tutorial CNN training step (forward, loss, backward, Adam), batch ${batch}; first step reported apart, 1 warm-up, ${reps} measured.\n` +
    `Host: ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}; load average ${load()} at ${new Date().toISOString()}`,
);

interface Line {
  where: string;
  backend: string;
  t: Timing;
}
const lines: Line[] = [];

async function measure(where: string, backendName: string, be: Backend): Promise<Timing> {
  const tr = engineTrainer(be, data);
  const t = await time(() => tr.step(), reps);
  tr.dispose();
  tr.model.dispose();
  lines.push({ where, backend: backendName, t });
  console.log(`  ${where} / ${backendName}: ${fmtMs(t)}; first ${t.first.toFixed(0)} ms`);
  return t;
}

/** One warm step's peak: pool high-water marks restarted just before it. */
async function stepMemory(gpu: WebGPUBackend): Promise<string[]> {
  const tr = engineTrainer(gpu, data);
  await tr.step();
  await tr.step();
  const before = gpu.memoryStats();
  gpu.resetPeakMemory();
  await tr.step();
  const m = gpu.memoryStats();
  tr.dispose();
  tr.model.dispose();
  const ratio = m.peakAllocatedBytes / m.peakTensorBytes;
  return [
    `Memory of one warm step at batch ${batch} (pool statistics, buffer-pool.ts):`,
    `  live between steps: ${MiB(before.tensorBytes)} (weights, Adam's slots, the batch)`,
    `  peak bytes of live tensors during the step: ${MiB(m.peakTensorBytes)} (${MiB(m.peakUsedBytes)} in size classes)`,
    `  peak GPU memory of the pool: ${MiB(m.peakAllocatedBytes)} in ${m.buffers} buffers; plus ${MiB(m.uniformBytes)} of uniform ring`,
    `  peak GPU memory / peak live tensor bytes: ${ratio.toFixed(3)}x (target at most 1.5x: ${ratio <= 1.5 ? 'met' : 'MISSED'}); with the uniform ring ${((m.peakAllocatedBytes + m.uniformBytes) / m.peakTensorBytes).toFixed(3)}x`,
  ];
}

/** The pool over `steps` steps at `b`: it must stop growing after the first steps. */
async function growth(gpu: WebGPUBackend, steps: number, b: number): Promise<string[]> {
  gpu.trim(); // drop the batch-256 buffers, so the figures are this loop's own
  const tr = engineTrainer(gpu, syntheticBatch(b));
  const rows: string[][] = [];
  const snap = (i: number) => {
    const m = gpu.memoryStats();
    rows.push([String(i), MiB(m.tensorBytes), MiB(m.allocatedBytes), MiB(m.peakAllocatedBytes), String(m.buffers), String(m.created)]);
    return m;
  };
  const t0 = performance.now();
  const marks = new Set([1, 2, 10, ...Array.from({ length: 10 }, (_, k) => Math.round(((k + 1) * steps) / 10))]);
  let atTwo = null as ReturnType<typeof gpu.memoryStats> | null;
  let last = null as ReturnType<typeof gpu.memoryStats> | null;
  for (let i = 1; i <= steps; i++) {
    // Read the loss every 10 steps (as fit does for its metrics); record the others without waiting.
    if (i % 10 === 0 || marks.has(i)) await tr.step();
    else tr.stepNoWait();
    if (marks.has(i)) {
      last = snap(i);
      if (i === 2) atTwo = last;
      console.log(`  memory loop: step ${i} of ${steps}, ${((performance.now() - t0) / 1000).toFixed(0)} s: pool ${MiB(last.allocatedBytes)}, ${last.created} buffers created`);
    }
  }
  tr.dispose();
  tr.model.dispose();
  const grew = atTwo && last ? last.allocatedBytes - atTwo.allocatedBytes : NaN;
  const made = atTwo && last ? last.created - atTwo.created : NaN;
  return [
    `Memory over ${steps} steps at batch ${b} (${((performance.now() - t0) / 1000).toFixed(0)} s; pool statistics after the step named):`,
    table(['after step', 'live tensors', 'pool allocated', 'pool peak', 'buffers', 'created ever'], rows),
    `  from step 2 to step ${steps}: pool grew by ${grew} bytes, ${made} buffers created (target: no growth: ${grew === 0 && made === 0 ? 'met' : 'MISSED'})`,
  ];
}

/** The first-step and memory sections: printed as soon as each is measured (a long run may be stopped), and again at the end. */
const report: string[] = [];
const say = (...ls: string[]) => {
  for (const l of ls) console.log(l);
  report.push(...ls);
};

/**
 * The lazy start, measured before any other device of the process is made (so no shader of the
 * step is compiled yet: a cold start): a device without precompilation, whose first step
 * compiles its pipelines as it goes, submitting before each (submitWhileCompiling, the default),
 * so the GPU runs the recorded kernels while the next pipeline compiles.
 */
async function lazyStart() {
  const t0 = performance.now();
  const lazy = await WebGPUBackend.create(nodeGPU(), { precompile: false });
  const device = performance.now() - t0;
  const tr = engineTrainer(lazy, data);
  const t1 = performance.now();
  await tr.step();
  const first = performance.now() - t1;
  const compiledInFirst = lazy.pipelineCount;
  const compileMsInFirst = lazy.compileMs;
  // The programs that wait for a read to compile in the background (Gpu.ready: the 16 x 16
  // convs on SwiftShader) run from the step after their compile; until then the 8 x 8 forms do.
  const t2 = performance.now();
  await tr.step();
  const second = performance.now() - t2;
  await lazy.warmed();
  const t3 = performance.now();
  await tr.step();
  const afterWarm = performance.now() - t3;
  tr.dispose();
  tr.model.dispose();
  lazy.device.destroy();
  return { device, first, second, afterWarm, compiledInFirst, compileMsInFirst, compiledAfter: lazy.pipelineCount - compiledInFirst };
}

// Node: WebGPU through Dawn.
let nodeAdapter = 'no adapter';
try {
  const lazy = args['no-lazy'] ? null : await lazyStart();
  // The start the train CLI makes: the device, then just the programs one traced step of the
  // model launches, compiled concurrently (WebGPUBackend.precompileFor), then the first step. A
  // later device of the process, after the lazy start's: Dawn or the driver may keep compiled
  // shaders across devices, so with the lazy start measured this is a lower bound.
  const t0 = performance.now();
  const gpu = await WebGPUBackend.create(nodeGPU(), { precompile: false });
  const createMs = performance.now() - t0;
  nodeAdapter = `${gpu.describe()}; driver ${nodeDriver()?.name}`;
  console.log(`Node WebGPU adapter: ${nodeAdapter}`);
  const t1 = performance.now();
  const traced = await precompileTrainerStep(gpu, data);
  const precompileMs = performance.now() - t1;
  const pipelines = gpu.pipelineCount;
  console.log(`  device in ${createMs.toFixed(0)} ms; the step's ${traced} programs (${pipelines} pipelines) compiled concurrently in ${precompileMs.toFixed(0)} ms (per-pipeline compile times sum to ${gpu.compileMs.toFixed(0)} ms)`);
  const t = await measure('node', 'webgpu', gpu);
  const lazyAfterFirst = gpu.pipelineCount - pipelines;
  say(
    `First step on ${nodeAdapter}, batch ${batch}:`,
    `  device ${createMs.toFixed(0)} ms; the traced step's ${pipelines} pipelines, precompiled: ${precompileMs.toFixed(0)} ms; first step ${t.first.toFixed(0)} ms (${lazyAfterFirst} pipelines compiled in it); warm step ${t.median.toFixed(0)} ms (median)`,
    `  first / warm: ${(t.first / t.median).toFixed(2)}x; (device + precompile + first) / warm: ${((createMs + precompileMs + t.first) / t.median).toFixed(2)}x (target at most 2x)`,
  );
  if (lazy) {
    const l = lazy;
    say(
      `  without precompilation (the process's first device, a cold start): device ${l.device.toFixed(0)} ms, first step ${l.first.toFixed(0)} ms, ${l.compiledInFirst} pipelines compiled synchronously in it (${l.compileMsInFirst.toFixed(0)} ms), submitting before each; (device + first) / warm ${((l.device + l.first) / t.median).toFixed(2)}x (target at most 2x)`,
      `  its second step ${l.second.toFixed(0)} ms (${l.compiledAfter} pipelines compiled in the background since the first), a step after they finished ${l.afterWarm.toFixed(0)} ms`,
    );
  }
  if (args.tune) {
    const tr = engineTrainer(gpu, data);
    const r = await tuneWithCache(gpu, () => tr.stepNoWait(), { store: fileStore(tuningCachePath()), log: (l) => console.log(`  ${l}`) });
    tr.dispose();
    tr.model.dispose();
    say(`  tuning: ${r.rows.length} shapes timed in ${(r.ms / 1000).toFixed(1)} s (one-time), ${r.cachedShapes} from the cache`);
    await measure('node', 'webgpu tuned', gpu);
  } else {
    say('  tuning: not asked (--tune tunes the kernel variants, prints the one-time cost and measures the tuned step)');
  }
  say('', ...(await stepMemory(gpu)));
  if (growthSteps > 0) say('', ...(await growth(gpu, growthSteps, growthBatch)));
} catch (e) {
  console.log(`Node WebGPU: unavailable: ${(e as Error).message}`);
}
if (!args['no-cpu']) await measure('node', 'cpu', new CpuBackend('float32'));

let browserAdapter: string | null = null;
if (args.browser) {
  const { withBenchPage } = await import('./browser.js');
  await withBenchPage(async (page) => {
    const backends = args['no-cpu'] ? 'webgpu' : 'webgpu,cpu';
    const r = await page.run(`suites=step&backends=${backends}&stepBatches=${batch}&reps=${reps}`);
    browserAdapter = r.adapter?.name ?? 'no adapter';
    console.log(`Chrome WebGPU adapter: ${browserAdapter} (${r.userAgent})`);
    for (const e of r.errors) console.log(`  chrome: ${e}`);
    for (const x of r.results) {
      const t: Timing = { runs: new Array(x.reps).fill(x.medianMs), median: x.medianMs, min: x.minMs, max: x.maxMs, first: x.firstMs ?? NaN };
      lines.push({ where: 'chrome', backend: x.backend, t });
      console.log(`  chrome / ${x.backend}: ${fmtMs(t)}; first ${(x.firstMs ?? NaN).toFixed(0)} ms`);
      if (x.backend === 'webgpu') {
        const compile = r.adapter ? `${r.adapter.compileMs.toFixed(0)} ms summed over pipelines at creation` : '-';
        say('', `First step in Chrome (${browserAdapter}): ${(x.firstMs ?? NaN).toFixed(0)} ms, warm ${x.medianMs.toFixed(0)} ms: ${((x.firstMs ?? NaN) / x.medianMs).toFixed(2)}x (pipelines: ${compile})`);
        if (x.start) {
          const s = x.start;
          say(`  a start as the train CLI makes it (a later device in the page): device ${s.deviceMs.toFixed(0)} ms, the traced step's ${s.pipelines} pipelines ${s.precompileMs.toFixed(0)} ms, first step ${s.firstMs.toFixed(0)} ms: (device + precompile + first) / warm ${((s.deviceMs + s.precompileMs + s.firstMs) / x.medianMs).toFixed(2)}x (target at most 2x)`);
          const l = s.lazy;
          if (l) say(`  without precompilation (the page's first device, a cold start): device ${l.deviceMs.toFixed(0)} ms, first step ${l.firstMs.toFixed(0)} ms compiling its ${l.pipelines} pipelines as it goes: (device + first) / warm ${((l.deviceMs + l.firstMs) / x.medianMs).toFixed(2)}x (target at most 2x)`);
        }
        if (x.memory) {
          say(`Memory in Chrome: peak pool ${MiB(x.memory.peakAllocatedBytes)} / peak live tensors ${MiB(x.memory.peakTensorBytes)} = ${(x.memory.peakAllocatedBytes / x.memory.peakTensorBytes).toFixed(3)}x`);
        }
      }
    }
  });
}

const cpu = lines.find((l) => l.where === 'node' && l.backend === 'cpu');
console.log();
console.log(
  table(
    ['where / backend', 'ms per step (median)', 'min', 'max', 'images / s', 'first step ms', 'first / warm', 'vs Node CPU'],
    lines.map((l) => [
      `${l.where} / ${l.backend}`, l.t.median.toFixed(1), l.t.min.toFixed(1), l.t.max.toFixed(1),
      ((batch * 1000) / l.t.median).toFixed(0), Number.isFinite(l.t.first) ? l.t.first.toFixed(0) : '-',
      Number.isFinite(l.t.first) ? `${(l.t.first / l.t.median).toFixed(2)}x` : '-',
      cpu ? `${(l.t.median / cpu.t.median).toFixed(2)}x time` : '-',
    ]),
  ),
);
console.log(`\nNode adapter: ${nodeAdapter}`);
if (args.browser) console.log(`Chrome adapter: ${browserAdapter}`);
const gpuLine = lines.find((l) => l.where === 'node' && l.backend === 'webgpu');
if (gpuLine && cpu) {
  const r = gpuLine.t.median / cpu.t.median;
  console.log(`Node WebGPU / CPU step time: ${r.toFixed(2)} (${r > 1 ? `CPU ${r.toFixed(1)}x faster` : `WebGPU ${(1 / r).toFixed(1)}x faster`})`);
}
if (report.length) console.log(`\n${report.join('\n')}`);
console.log(`\nload average ${load()} at ${new Date().toISOString()}`);
process.exit(0);
