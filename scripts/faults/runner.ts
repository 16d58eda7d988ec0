/**
 * Runs faults in a worker process (worker.ts) per backend and collects their outcomes.
 * A fault that does not finish within its timeout is a hang: the worker is killed and
 * restarted on the faults after it; a fault that kills the worker is unclear. So no
 * fault, not even an endless synchronous loop, can stop the suite.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FAULTS, REPO, type Area, type Fault } from './catalogue.js';
import type { Outcome } from './outcome.js';

export type BackendName = 'cpu' | 'webgpu';

export interface FaultResult extends Outcome {
  id: string;
  area: Area;
  /** 'host' faults run once, on the CPU worker. */
  backend: BackendName | 'host';
  input: string;
  pending?: string;
}

/** The faults a run covers: host faults only on the CPU; slow ones only when asked. */
export function selectFaults(backend: BackendName, withSlow: boolean): Fault[] {
  return FAULTS.filter((f) => (withSlow || !f.slow) && (f.scope === 'backend' || backend === 'cpu'));
}

const STARTUP_MS = 240_000;
const DEFAULT_TIMEOUT_MS = 60_000;

export async function runFaults(
  backend: BackendName,
  faults: readonly Fault[],
  options: { dir?: string; onResult?: (r: FaultResult) => void } = {},
): Promise<FaultResult[]> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'faults-'));
  const results: FaultResult[] = [];
  const record = (f: Fault, o: Outcome): void => {
    const r: FaultResult = { id: f.id, area: f.area, backend: f.scope === 'host' ? 'host' : backend, input: f.input, pending: f.pendingOn && f.pendingOn !== backend ? undefined : f.pending, ...o };
    results.push(r);
    options.onResult?.(r);
  };
  let remaining = [...faults];
  while (remaining.length > 0) {
    const done = await runWorker(backend, dir, remaining, record);
    remaining = remaining.slice(done);
  }
  return results;
}

/** Runs one worker over `faults`; resolves with how many of them got an outcome. */
function runWorker(backend: BackendName, dir: string, faults: readonly Fault[], record: (f: Fault, o: Outcome) => void): Promise<number> {
  return new Promise((resolveDone) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'scripts/faults/worker.ts'), backend, join(dir, 'fixtures'), faults.map((f) => f.id).join(',')], {
      cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let finished = 0;
    let current: Fault | null = null;
    let stderr = '';
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    const arm = (ms: number, onFire: () => void) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(onFire, ms);
    };
    const finish = (count: number) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolveDone(count);
    };
    arm(STARTUP_MS, () => {
      child.kill('SIGKILL');
      // The worker never started: every fault left counts as unclear rather than looping forever.
      for (const f of faults.slice(finished)) record(f, { kind: 'unclear', detail: `the fault worker did not start within ${STARTUP_MS / 1000} s: ${stderr.slice(-300)}` });
      finish(faults.length);
    });
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('START ')) {
        current = faults[finished];
        const f = current;
        arm(f.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
          record(f, { kind: 'hang', detail: `no result after ${(f.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s` });
          child.kill('SIGKILL');
          finish(finished + 1);
        });
      } else if (line.startsWith('RESULT ')) {
        const r = JSON.parse(line.slice(7)) as Outcome & { id: string };
        record(faults[finished], { kind: r.kind, detail: r.detail });
        finished++;
        current = null;
        if (timer) clearTimeout(timer);
      }
    });
    child.on('close', (code) => {
      if (settled) return;
      if (current) {
        record(current, { kind: 'unclear', detail: `the process died (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
        finish(finished + 1);
      } else if (finished < faults.length) {
        for (const f of faults.slice(finished)) record(f, { kind: 'unclear', detail: `the fault worker failed before this fault (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
        finish(faults.length);
      } else {
        finish(finished);
      }
    });
  });
}
