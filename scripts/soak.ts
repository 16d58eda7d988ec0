/**
 * `npm run soak`: 10,000 training steps at batch 8 on the CPU backend and on WebGPU
 * (scripts/soak/soak.ts), then one line per backend for the README: allocated bytes after the
 * warm-up (flat?), used bytes at every epoch end, RSS spread (within 5%?), ms per step.
 * Exits 1 when either is not flat.
 *
 * Options: --steps N (default 10000, a multiple of 100), --backend cpu|webgpu, --json FILE.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Backend } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { nodeGPU } from '../node/webgpu.js';
import { soak, type SoakResult } from './soak/soak.js';

const { values: a } = parseArgs({ options: { steps: { type: 'string', default: '10000' }, backend: { type: 'string' }, json: { type: 'string' } } });
const steps = Number(a.steps);
if (!Number.isInteger(steps) || steps < 200 || steps % 100 !== 0) throw new Error(`--steps must be a multiple of 100, at least 200; got '${a.steps}'`);
if (a.backend !== undefined && a.backend !== 'cpu' && a.backend !== 'webgpu') throw new Error(`--backend must be cpu or webgpu, got '${a.backend}'`);
const which = a.backend ? [a.backend] : ['cpu', 'webgpu'];

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') console.warn('note: run with --expose-gc (npm run soak does) so RSS is read after a full collection');
const mib = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;
const results: SoakResult[] = [];
for (const name of which) {
  const backend: Backend = name === 'cpu' ? new CpuBackend() : await WebGPUBackend.create(nodeGPU());
  console.log(`\n${backend.describe()}: ${steps} steps at batch 8`);
  const r = await soak({
    backend, steps,
    onSample: (s) => {
      if (s.step % (steps / 10) === 0) {
        console.log(`  step ${s.step}: used ${mib(s.usedBytes)}, allocated ${mib(s.allocatedBytes)}, RSS ${mib(s.rss)}, V8 heap ${mib(s.heapUsed)} used of ${mib(s.heapTotal)}`);
      }
    },
  });
  results.push(r);
}

console.log(`\nSoak, ${new Date().toISOString().slice(0, 16)}Z (warm-up: the first ${results[0].warmupSteps} steps)`);
for (const r of results) console.log(`  ${r.backend}`);
console.log('');
console.log('| backend | steps | ms/step | allocated after warm-up | growth | used at epoch ends | RSS min-max | RSS spread | V8 heap used, spread | verdict |');
console.log('|---|---:|---:|---:|---:|---|---:|---:|---:|---|');
for (const r of results) {
  const after = r.samples.filter((s) => s.step >= r.warmupSteps);
  const rss = after.map((s) => s.rss);
  console.log(
    `| ${r.backend.startsWith('webgpu') ? 'WebGPU (SwiftShader)' : 'CPU'} | ${r.steps} | ${r.msPerStep.toFixed(1)} | ${mib(after[0].allocatedBytes)} | ${r.allocatedGrowth} B | ${r.usedValues.map(mib).join(', ')} | ` +
      `${mib(Math.min(...rss))}-${mib(Math.max(...rss))} | ${(100 * r.rssSpread).toFixed(1)}% | ` +
      `${mib(Math.min(...after.map((s) => s.heapUsed)))}-${mib(Math.max(...after.map((s) => s.heapUsed)))}, ${(100 * r.heapSpread).toFixed(1)}% | ${r.poolFlat ? 'pool flat' : 'POOL GROWS'}, ${r.rssFlat ? 'RSS flat' : 'RSS NOT FLAT'} |`,
  );
}
if (a.json) writeFileSync(a.json, JSON.stringify(results, null, 1));
process.exit(results.every((r) => r.poolFlat && r.rssFlat) ? 0 : 1);
