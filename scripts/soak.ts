/**
 * `npm run soak`: 10,000 training steps at batch 8 on the CPU backend and on WebGPU
 * (scripts/soak/soak.ts), each backend in its own process so each RSS is its own, then one
 * table row per backend for the README: allocated bytes after the warm-up (flat?), used bytes
 * at every epoch end, RSS after the warm-up (min, median, max) and its band, (max - min) / min,
 * judged against 5% (the issue's "flat within 5%"), RSS growth, the swing of each part of RSS,
 * the native objects WebGPU reused, the load average during the run, ms per step. Exits 1 when
 * the pool or RSS is not flat on either backend.
 *
 * `npm run soak` runs node with --no-memory-reducer: V8's memory reducer shrinks the heaps (the
 * main thread's and each worker's, the CPU backend's GEMM threads among them) when allocation
 * slows, so RSS fell by 9-24 MiB at one moment of a 10,000-step CPU run and the band measured that
 * return of memory, not what the engine holds (README, "Soak"). A leak still raises RSS without it.
 *
 * Options: --steps N (default 10000, a multiple of 100), --backend cpu|webgpu (only that one,
 * in this process), --json FILE (write the results), --from-json FILE[,FILE...] (print the table of
 * results written before, running nothing). WebGPU runs on what WEBGPU_ADAPTER (swiftshader, lavapipe)
 * or the default selects.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Backend } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { nodeGPU } from '../node/webgpu.js';
import { bandOf, growthOf, median, RSS_BAND_LIMIT, runSettings, soak, type SoakResult } from './soak/soak.js';

const { values: a } = parseArgs({
  options: { steps: { type: 'string', default: '10000' }, backend: { type: 'string' }, json: { type: 'string' }, 'from-json': { type: 'string' } },
});
const steps = Number(a.steps);
if (!Number.isInteger(steps) || steps < 200 || steps % 100 !== 0) throw new Error(`--steps must be a multiple of 100, at least 200; got '${a.steps}'`);
if (a.backend !== undefined && a.backend !== 'cpu' && a.backend !== 'webgpu') throw new Error(`--backend must be cpu or webgpu, got '${a.backend}'`);

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const pct = (f: number) => `${(100 * f).toFixed(1)}%`;

/** A run's settings as printed: KEY=value for each malloc tunable, then node's flags (absent from older JSON). */
const settingsOf = (r: Partial<Pick<SoakResult, 'mallocEnv' | 'nodeFlags'>>): string[] =>
  [...Object.entries(r.mallocEnv ?? {}).map(([k, v]) => `${k}=${v}`), ...(r.nodeFlags ?? [])];

/** One backend, in this process. */
async function runOne(name: 'cpu' | 'webgpu'): Promise<SoakResult> {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') console.warn('note: run with --expose-gc (npm run soak does) so RSS is read after a full collection');
  const backend: Backend = name === 'cpu' ? new CpuBackend() : await WebGPUBackend.create(nodeGPU());
  // The malloc tunables and node's flags (npm run soak: --expose-gc --no-memory-reducer), which change what RSS does.
  const env = settingsOf(runSettings());
  console.log(`\n${backend.describe()}: ${steps} steps at batch 8${env.length ? `, ${env.join(' ')}` : ''}`);
  return soak({
    backend, steps,
    onSample: (s) => {
      if (s.step % (steps / 10) !== 0) return;
      console.log(`  step ${s.step} (load ${s.load1.toFixed(1)}): used ${mib(s.usedBytes)}, allocated ${mib(s.allocatedBytes)}, RSS ${mib(s.rss)} = file ${mib(s.rssFile)} + anonymous ` +
        `${mib(s.rssAnon)} (V8 heap: ${mib(s.heapTotal)} reserved, ${mib(s.heapUsed)} live) + shared ${mib(s.rssShmem)}`);
    },
  });
}

if (a.backend) {
  const r = await runOne(a.backend as 'cpu' | 'webgpu');
  if (a.json) writeFileSync(a.json, JSON.stringify([r], null, 1));
  process.exit(r.poolFlat && r.rssFlat ? 0 : 1);
}

if (a['from-json']) {
  printTable(a['from-json'].split(',').flatMap((f) => JSON.parse(readFileSync(f, 'utf8')) as SoakResult[]), `Soak results of ${a['from-json']}`);
  process.exit(0);
}

// Both backends, each in a child process of this script with the same node flags.
const dir = mkdtempSync(join(tmpdir(), 'soak-'));
const results: SoakResult[] = [];
for (const name of ['cpu', 'webgpu']) {
  const out = join(dir, `${name}.json`);
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--backend', name, '--steps', String(steps), '--json', out], { stdio: 'inherit' });
  if (child.error || ![0, 1].includes(child.status ?? -1)) throw new Error(`soak: the ${name} run failed (${child.error?.message ?? `exit ${child.status}`})`);
  results.push(...(JSON.parse(readFileSync(out, 'utf8')) as SoakResult[]));
}
rmSync(dir, { recursive: true, force: true });

printTable(results, `Soak, ${new Date().toISOString().slice(0, 16)}Z, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
if (a.json) writeFileSync(a.json, JSON.stringify(results, null, 1));
process.exit(results.every((r) => r.poolFlat && r.rssFlat) ? 0 : 1);

/**
 * The README's table. RSS is judged by its band after the warm-up: (max - min) / min of the
 * samples. The swing columns split RSS as Linux does: file-backed pages (libraries, which the
 * kernel drops and reads back), anonymous memory (malloc: Dawn, the driver and its JIT code; and
 * V8's heap, whose reserved and live bytes are given), and shared memory (lavapipe's device memory).
 */
function printTable(results: SoakResult[], title: string): void {
  const swing = (v: number[]) => mib(Math.max(...v) - Math.min(...v));
  console.log(`\n${title} (warm-up: the first ${results[0].warmupSteps} steps; RSS flat means max - min <= ${pct(RSS_BAND_LIMIT)} of min after it)`);
  for (const r of results) {
    const settings = settingsOf(r);
    console.log(`  ${r.backend}${settings.length ? ` (${settings.join(' ')})` : ''}`);
  }
  console.log('');
  console.log('| backend | steps | ms/step | load | allocated after warm-up | growth | used at epoch ends | RSS min / median / max | ms polled to rest: median, max | RSS band | RSS growth | swing of: file, anonymous, V8 reserved (live), shared | reused: bind groups made (hits), staging made (reuses) | verdict |');
  console.log('|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|---|');
  for (const r of results) {
    // Everything from the samples, so that --from-json re-judges files written by older versions the same way.
    const after = r.samples.filter((s) => s.step >= r.warmupSteps);
    const rss = after.map((s) => s.rss);
    const band = bandOf(rss);
    const loads = r.samples.map((s) => s.load1).filter(Number.isFinite);
    const load = loads.length ? `${Math.min(...loads).toFixed(0)}-${Math.max(...loads).toFixed(0)}` : '?';
    const adapter = r.backend.startsWith('webgpu') ? `WebGPU (${/llvmpipe/.test(r.backend) ? 'lavapipe' : /swiftshader/i.test(r.backend) ? 'SwiftShader' : r.backend})` : 'CPU';
    // How long settle() polled before RSS stopped moving ('-' for runs saved before it polled).
    const rest = after.map((s) => s.restMs).filter(Number.isFinite);
    const polled = rest.length ? `${median(rest).toFixed(0)}, ${Math.max(...rest).toFixed(0)}` : '-';
    const made = (v: number[]) => `+${v[v.length - 1] - v[0]} after warm-up`;
    const reuse = r.reuse
      ? `${r.reuse.bindGroups.created} (${r.reuse.bindGroups.hits}; ${made(after.map((s) => s.bindGroupsCreated))}), ` +
        `${r.reuse.staging.created} (${r.reuse.staging.reused}; ${made(after.map((s) => s.stagingCreated))})`
      : '-';
    console.log(
      `| ${adapter} | ${r.steps} | ${r.msPerStep.toFixed(1)} | ${load} | ${mib(after[0].allocatedBytes)} | ${r.allocatedGrowth} B | ` +
        `${r.usedValues.map(mib).join(', ')} | ${mib(Math.min(...rss))} / ${mib(median(rss))} / ${mib(Math.max(...rss))} | ${polled} | ${pct(band)} | ${pct(growthOf(rss))} | ` +
        `${swing(after.map((s) => s.rssFile))}, ${swing(after.map((s) => s.rssAnon))}, ${swing(after.map((s) => s.heapTotal))} (${swing(after.map((s) => s.heapUsed))}), ` +
        `${swing(after.map((s) => s.rssShmem))} | ${reuse} | ${r.poolFlat ? 'pool flat' : 'POOL GROWS'}, ${band <= RSS_BAND_LIMIT ? 'RSS flat' : 'RSS NOT FLAT'} |`,
    );
  }
}
