/**
 * `npm run bench:replicas`: one training step of the tutorial CNN at batch 256 on
 * this thread's CPU backend (what fit does without `replicas`), beside the same step
 * on data-parallel replicas (engine/distribute/), 1 and 2 by default, on the same data.
 * A replicated step includes everything fit's does: the batch cut into shares and
 * sent, the parameters sent to each replica, the all-reduce, and Adam on this thread.
 *
 * The contenders take turns, one step each per round, so a change in the machine's
 * load hits them alike; medians over the rounds, with the load average.
 *
 * Options: --batch N, --rounds N, --replicas 1,2 (the replica counts to run).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { ReplicaPool } from '../engine/distribute/replica-pool.js';
import { Adam } from '../engine/optim/adam.js';
import { setBackend } from '../engine/runtime.js';
import { tutorialCnn } from '../model/cnn.js';
import { STEP_TABLE_HEADER, type Contender, contender, stepRows, table, takeTurns } from './harness.js';
import { engineTrainer, syntheticBatch } from './workloads.js';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '5' },
    replicas: { type: 'string', default: '1,2' },
  },
});
const batch = Number(args.batch);
const rounds = Number(args.rounds);
const counts = args.replicas!.split(',').map(Number);
const data = syntheticBatch(batch);

const backend = new CpuBackend('float32');
await backend.ready();
setBackend(backend);
const load0 = os.loadavg();
const local = engineTrainer(backend, data, 1);
const contenders: Contender[] = [await contender(`this thread (${backend.describe()})`, () => local.step())];
const pools: ReplicaPool[] = [];
for (const n of counts) {
  const model = tutorialCnn(1);
  model.build();
  const pool = await ReplicaPool.start(model, { replicas: n, batchSize: batch, optimizer: new Adam(), accuracy: true });
  pools.push(pool);
  contenders.push(await contender(`${n} replica${n === 1 ? '' : 's'} (${pool.threadsPerReplica} GEMM thread${pool.threadsPerReplica === 1 ? '' : 's'} each)`, () => pool.step(data.images, data.labels, 'bench step')));
}

const timings = await takeTurns(contenders, rounds);
const load1 = os.loadavg();
await Promise.all(pools.map((p) => p.close()));

const rows = stepRows(timings, batch);
const cpu = os.cpus();
console.log(`Tutorial CNN training step, batch ${batch}: ${rounds} rounds, the contenders in turn, after a first step and a warm-up each.`);
console.log(`${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} cores), Node ${process.version}; load average ${load0.map((l) => l.toFixed(2)).join(' ')} before, ${load1.map((l) => l.toFixed(2)).join(' ')} after.\n`);
console.log(table(['where the step runs', ...STEP_TABLE_HEADER], rows));
console.log();
for (let i = 1; i < timings.length; i++) console.log(`${timings[i].name}: ${(timings[0].t.median / timings[i].t.median).toFixed(2)}x this thread's speed`);
