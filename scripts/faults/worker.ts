/**
 * Runs faults of the catalogue in this process, one after another, and reports each
 * on stdout as `START <id>` then `RESULT <json>`. Started by runner.ts, which kills
 * and restarts it when a fault hangs or crashes the process.
 *
 * Usage: node --import tsx scripts/faults/worker.ts <cpu|webgpu> <scratch dir> <id,id,...>
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../../engine/backends/backend.js';
import { CpuBackend } from '../../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../../engine/backends/webgpu/webgpu-backend.js';
import { setBackend } from '../../engine/runtime.js';
import { nodeGPU } from '../../node/webgpu.js';
import { FAULTS, makeFixtures, type Fault, type FaultContext, type Fixtures } from './catalogue.js';
import { classify } from './outcome.js';

async function main(): Promise<void> {
  const [which, dir, idList] = process.argv.slice(2);
  const ids = idList.split(',');
  const faults = ids.map((id) => FAULTS.find((f) => f.id === id)).filter((f): f is Fault => f !== undefined);
  // Kernels compile when first used: the faults exercise the ops' front doors, not every pipeline.
  const backend: Backend = which === 'webgpu' ? await WebGPUBackend.create(nodeGPU(), { precompile: false }) : new CpuBackend();
  setBackend(backend);
  let fixtures: Fixtures | null = null;
  for (const fault of faults) {
    if (fault.scope === 'host' && !fixtures) fixtures = await cachedFixtures(dir);
    process.stdout.write(`START ${fault.id}\n`);
    setBackend(backend);
    const ctx: FaultContext = { backend, fixtures: fixtures as Fixtures };
    const outcome = await classify(fault, () => fault.run(ctx));
    // Work a fault left recorded (and any GPU error it raised) must not reach the next one.
    if (backend instanceof WebGPUBackend) await backend.sync().catch(() => {});
    process.stdout.write(`RESULT ${JSON.stringify({ id: fault.id, ...outcome })}\n`);
  }
}

/** Fixtures are made once per scratch folder, so a restarted worker reuses them. */
async function cachedFixtures(dir: string): Promise<Fixtures> {
  const marker = join(dir, 'fixtures.json');
  let f: Fixtures;
  if (existsSync(marker)) {
    f = JSON.parse(readFileSync(marker, 'utf8')) as Fixtures;
  } else {
    mkdirSync(dir, { recursive: true });
    f = await makeFixtures(dir);
    writeFileSync(marker, JSON.stringify(f));
  }
  return { ...f, checkpointSettings: { ...f.checkpointSettings, log: () => {} } };
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`faults worker: ${e.stack ?? e.message}\n`);
    process.exit(2);
  },
);
