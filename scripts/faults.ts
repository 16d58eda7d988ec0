/**
 * `npm run faults`: every fault of the catalogue (scripts/faults/catalogue.ts), slow ones
 * included (the CLIs), on the CPU backend and on WebGPU, then the table for the README:
 * per area, how many inputs were tried and how many gave a clear error, an unclear one
 * (a bare TypeError/RangeError, or a message that does not say what was wrong), nothing
 * (silent) or no end (hang). Exits 1 when a fault without a pending owner is not clear.
 *
 * Options: --quick (skip the slow faults), --backend cpu|webgpu (one backend only),
 * --json FILE (write every result).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AREAS, FAULTS } from './faults/catalogue.js';
import { runFaults, selectFaults, type BackendName, type FaultResult } from './faults/runner.js';

const { values: a } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, backend: { type: 'string' }, json: { type: 'string' } },
});
if (a.backend !== undefined && a.backend !== 'cpu' && a.backend !== 'webgpu') throw new Error(`--backend must be cpu or webgpu, got '${a.backend}'`);
const backends: BackendName[] = a.backend ? [a.backend as BackendName] : ['cpu', 'webgpu'];

const started = Date.now();
const results: FaultResult[] = [];
for (const backend of backends) {
  const faults = selectFaults(backend, !a.quick);
  console.log(`\n${backend}: ${faults.length} faults`);
  results.push(...(await runFaults(backend, faults, {
    onResult: (r) => console.log(`  ${r.kind.padEnd(7)} ${r.backend.padEnd(6)} ${r.id}${r.kind === 'clear' ? '' : `: ${r.detail.slice(0, 200)}`}`),
  })));
}

const kinds = ['clear', 'unclear', 'silent', 'hang'] as const;
const row = (label: string, rs: FaultResult[]) => `| ${label} | ${new Set(rs.map((r) => r.id)).size} | ${rs.length} | ${kinds.map((k) => rs.filter((r) => r.kind === k).length).join(' | ')} |`;
console.log(`\nFault suite, ${new Date().toISOString().slice(0, 16)}Z, ${((Date.now() - started) / 1000).toFixed(0)} s, backends: ${backends.join(', ')}\n`);
console.log('| area | distinct inputs | runs | clear | unclear | silent | hang |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const area of AREAS) console.log(row(area, results.filter((r) => r.area === area)));
console.log(row('**all**', results));
const notClear = results.filter((r) => r.kind !== 'clear');
if (notClear.length) {
  console.log('\nNot clear:');
  for (const r of notClear) console.log(`- ${r.id} (${r.backend}, ${r.kind}${r.pending ? `; fix owned by ${r.pending}` : ''}): ${r.input} -> ${r.detail.slice(0, 160)}`);
}
const stale = results.filter((r) => r.kind === 'clear' && r.pending);
for (const r of stale) console.log(`note: ${r.id} is now clear on ${r.backend}: remove its 'pending' mark`);
if (a.json) writeFileSync(a.json, JSON.stringify({ when: new Date().toISOString(), total: FAULTS.length, results }, null, 1));
process.exit(notClear.some((r) => !r.pending) ? 1 : 0);
