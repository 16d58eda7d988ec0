/**
 * `npm run bench:cpu`: one training step of the tutorial CNN at batch 256 on
 * this engine's CPU backend, with each GEMM variant (plain JS; wasm SIMD on one
 * thread; wasm SIMD on two threads, the default here), beside jax-js 0.1.25 on
 * its wasm backend (bench/jax-step.ts: im2col convolutions, the whole step in
 * one jit(valueAndGrad)), on the same data, measured in the same run.
 *
 * The variants take turns, one step each per round, so that a change in the
 * machine's load (it is shared) hits all of them alike; medians over the rounds.
 * Prints ms per step, images per second and the ratio of this engine's
 * images/s to jax-js's (issue 12's target: at least 2x), with the load average.
 *
 * Options: --batch N, --rounds N, --threads N (the multi-threaded row),
 * --tfjs-cpu (adds TensorFlow.js 4.22's pure-JS `cpu` backend: about three
 * minutes a step at batch 256, so it is off by default).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { setBackend } from '../engine/runtime.js';
import { STEP_TABLE_HEADER, type Contender, contender, stepRows, summarise, table, takeTurns, type Timing } from './harness.js';
import { jaxTrainingStep } from './jax-step.js';
import { engineTrainer, syntheticBatch, tfjsModel } from './workloads.js';
import { Random } from '../engine/random.js';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
    'tfjs-cpu': { type: 'boolean', default: false },
  },
});
const batch = Number(args.batch);
const rounds = Number(args.rounds);
const threads = Number(args.threads);
const data = syntheticBatch(batch);

function engine(backend: CpuBackend) {
  const trainer = engineTrainer(backend, data, 1);
  return async () => {
    setBackend(backend);
    return trainer.step();
  };
}

const wasm2 = new CpuBackend('float32', { gemm: 'wasm', threads });
await wasm2.ready();
const load0 = os.loadavg();
const contenders: Contender[] = [
  await contender('this engine, cpu, JS GEMM', engine(new CpuBackend('float32', { gemm: 'js' }))),
  await contender('this engine, cpu, wasm SIMD GEMM, 1 thread', engine(new CpuBackend('float32', { gemm: 'wasm', threads: 1 }))),
  await contender(`this engine, cpu, wasm SIMD GEMM, ${wasm2.threads} threads`, engine(wasm2)),
];
const jax = await jaxTrainingStep(data.images, data.labels, batch, new Random(1));
contenders.push(await contender(`jax-js ${jax.version}, wasm (im2col + jit(valueAndGrad), 1 thread)`, () => jax.run()));

const timings = await takeTurns(contenders, rounds);

let tfjsTiming: Timing | null = null;
let tfjsVersion = '';
if (args['tfjs-cpu']) {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  tfjsVersion = tf.version.tfjs;
  const model = tfjsModel(tf);
  model.compile({ optimizer: tf.train.adam(0.001), loss: tf.losses.softmaxCrossEntropy });
  const x = tf.tensor4d(data.images, [batch, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), 10);
  const t0 = performance.now();
  await model.trainOnBatch(x, y);
  tfjsTiming = summarise(performance.now() - t0, [performance.now() - t0]);
}
const load1 = os.loadavg();

const ips = (t: Timing) => (batch * 1000) / t.median;
const rows = stepRows(timings, batch);
if (tfjsTiming) rows.push([`TensorFlow.js ${tfjsVersion}, cpu (1 step)`, tfjsTiming.median.toFixed(0), ips(tfjsTiming).toFixed(1), '', '', tfjsTiming.first.toFixed(0)]);
const cpu = os.cpus();
console.log(`Tutorial CNN training step, batch ${batch}: ${rounds} rounds, the contenders in turn, after a first step and a warm-up each.`);
console.log(`${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} cores), Node ${process.version}; no WebGPU adapter (CPU backends only); load average ${load0.map((l) => l.toFixed(2)).join(' ')} before, ${load1.map((l) => l.toFixed(2)).join(' ')} after.`);
console.log(`${wasm2.describe()}\n`);
console.log(table(['engine / backend', ...STEP_TABLE_HEADER], rows));
const jaxT = timings[3].t;
console.log();
for (const i of [0, 1, 2]) console.log(`${timings[i].name}: ${(ips(timings[i].t) / ips(jaxT)).toFixed(2)}x jax-js's images/s`);
console.log(`wasm GEMM over JS GEMM: ${(timings[0].t.median / timings[1].t.median).toFixed(2)}x on 1 thread; ${threads} threads over 1: ${(timings[1].t.median / timings[2].t.median).toFixed(2)}x`);
if (tfjsTiming) console.log(`speed-up over TensorFlow.js cpu: ${(tfjsTiming.median / timings[2].t.median).toFixed(1)}x`);
