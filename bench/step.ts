/**
 * `npm run bench:step`: ms per training step of the tutorial CNN (forward, loss, backward, Adam)
 * on this engine's WebGPU backend in Node (Dawn, the `webgpu` package) beside its CPU backend,
 * same model, batch and run, with the ratio and the adapter's name. `--browser` also runs the same
 * step in headless Chrome (bench/page, WebGPU and CPU backends in the page).
 *
 * Options: --batch N (default 256), --reps N (measured steps after one first step and one
 * warm-up; default 3), --browser, --no-cpu, --tune (also tune the kernel variants for this
 * step, engine/backends/webgpu/tuner.ts, cached in WEBGPU_ENGINE_CACHE or ~/.cache, and measure
 * the tuned step beside the default one, with the one-time tuning cost printed apart).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { tuneWithCache } from '../engine/backends/webgpu/tuner.js';
import { tuningCachePath } from '../model/train.js';
import { fileStore } from '../node/tune-store.js';
import { nodeDriver, nodeGPU } from '../node/webgpu.js';
import { fmtMs, table, time, type Timing } from './harness.js';
import { engineTrainer, syntheticBatch } from './workloads.js';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '256' },
    reps: { type: 'string', default: '3' },
    browser: { type: 'boolean', default: false },
    'no-cpu': { type: 'boolean', default: false },
    tune: { type: 'boolean', default: false },
  },
});
const batch = Number(args.batch);
const reps = Number(args.reps);
const data = syntheticBatch(batch);

console.log(
  `Tutorial CNN training step (forward, loss, backward, Adam), batch ${batch}; first step reported apart, 1 warm-up, ${reps} measured.\n` +
    `Host: ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}`,
);

interface Line {
  where: string;
  backend: string;
  t: Timing;
}
const lines: Line[] = [];

async function measure(where: string, backendName: string, be: import('../engine/backends/backend.js').Backend): Promise<Timing> {
  const tr = engineTrainer(be, data);
  const t = await time(() => tr.step(), reps);
  tr.dispose();
  tr.model.dispose();
  lines.push({ where, backend: backendName, t });
  console.log(`  ${where} / ${backendName}: ${fmtMs(t)}; first ${t.first.toFixed(0)} ms`);
  return t;
}

// Node: WebGPU through Dawn.
let nodeAdapter = 'no adapter';
try {
  const t0 = performance.now();
  const gpu = await WebGPUBackend.create(nodeGPU());
  nodeAdapter = `${gpu.describe()}; driver ${nodeDriver()?.name}`;
  console.log(`Node WebGPU adapter: ${nodeAdapter} (device and every pipeline ready in ${(performance.now() - t0).toFixed(0)} ms; per-pipeline compile times sum to ${gpu.compileMs.toFixed(0)} ms)`);
  await measure('node', 'webgpu', gpu);
  if (args.tune) {
    const tr = engineTrainer(gpu, data);
    const r = await tuneWithCache(gpu, () => tr.stepNoWait(), { store: fileStore(tuningCachePath()), log: (l) => console.log(`  ${l}`) });
    tr.dispose();
    tr.model.dispose();
    console.log(`  tuning: ${r.rows.length} shapes timed in ${(r.ms / 1000).toFixed(1)} s (one-time), ${r.cachedShapes} from the cache`);
    await measure('node', 'webgpu tuned', gpu);
  }
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
    }
  });
}

const cpu = lines.find((l) => l.where === 'node' && l.backend === 'cpu');
console.log();
console.log(
  table(
    ['where / backend', 'ms per step (median)', 'min', 'max', 'images / s', 'first step ms', 'vs Node CPU'],
    lines.map((l) => [
      `${l.where} / ${l.backend}`, l.t.median.toFixed(1), l.t.min.toFixed(1), l.t.max.toFixed(1),
      ((batch * 1000) / l.t.median).toFixed(0), Number.isFinite(l.t.first) ? l.t.first.toFixed(0) : '-',
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
process.exit(0);
