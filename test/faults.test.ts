/**
 * The quick part of the fault suite (scripts/faults/catalogue.ts; `npm run faults` runs it
 * all, CLIs included, and prints the table): every bad input must give a clear error
 * (an Error naming the op or file, the value and what was expected), on the CPU backend
 * and on WebGPU. Each backend's faults run in a worker process that is killed on a hang.
 *
 * A fault marked `pending` waits for another helper's fix: it is expected NOT to be clear
 * yet (it.fails), so the day the fix lands this test fails until the mark is removed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AREAS, FAULTS, type Area } from '../scripts/faults/catalogue.js';
import { runFaults, selectFaults, type BackendName, type FaultResult } from '../scripts/faults/runner.js';

const MINIMUM: Record<Area, number> = {
  ops: 15, 'layers and models': 10, 'fit/evaluate/predict': 10, 'data loader': 8, checkpoints: 6, 'model files': 5, CLIs: 6,
};

describe('the fault catalogue', () => {
  it('holds at least 60 distinct bad inputs, with the minimum per area', () => {
    expect(new Set(FAULTS.map((f) => f.id)).size).toBe(FAULTS.length);
    expect(FAULTS.length).toBeGreaterThanOrEqual(60);
    for (const area of AREAS) expect(FAULTS.filter((f) => f.area === area).length, area).toBeGreaterThanOrEqual(MINIMUM[area]);
  });
});

for (const backend of ['cpu', 'webgpu'] as BackendName[]) {
  describe(`bad inputs on ${backend} give clear errors`, () => {
    const faults = selectFaults(backend, false);
    let results = new Map<string, FaultResult>();
    beforeAll(async () => {
      results = new Map((await runFaults(backend, faults)).map((r) => [r.id, r]));
    }, 300_000);
    for (const f of faults) {
      const pending = f.pending && (!f.pendingOn || f.pendingOn === backend);
      (pending ? it.fails : it)(`${f.area}: ${f.input}${pending ? ` (pending: ${f.pending})` : ''}`, () => {
        const r = results.get(f.id);
        expect(r, 'the worker reported no result').toBeDefined();
        expect({ kind: r!.kind, detail: r!.detail }).toEqual({ kind: 'clear', detail: expect.any(String) });
      });
    }
  });
}
