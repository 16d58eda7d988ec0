/**
 * `npm run bench:cpu`: one training step of the tutorial CNN at batch 256 on this
 * engine's CPU backend, beside TensorFlow.js's pure-JS `cpu` backend on the same
 * model, batch and optimizer, measured in the same run. Prints ms per step,
 * images per second and the ratio. Options: --batch N, --reps N (this engine),
 * --tfjs-reps N (TensorFlow.js, whose first step is reported separately).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { trainStep } from '../engine/nn/train-step.js';
import { Adam } from '../engine/optim/adam.js';
import { Random } from '../engine/random.js';
import { setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { tutorialCnn } from '../model/cnn.js';
import { fmtMs, table, time, type Timing } from './harness.js';
import { tfjsModel } from './workloads.js';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '256' },
    reps: { type: 'string', default: '5' },
    // TensorFlow.js's cpu backend takes the better part of a minute per step at batch 256 here.
    'tfjs-reps': { type: 'string', default: '2' },
  },
});
const batch = Number(args.batch);
const reps = Number(args.reps);
const tfjsReps = Number(args['tfjs-reps']);

// Same synthetic batch for both engines: uniform pixels, labels 0..9.
const rng = new Random(1);
const images = Float32Array.from({ length: batch * 28 * 28 }, () => rng.next());
const labels = Int32Array.from({ length: batch }, () => rng.int(10));

async function ours(): Promise<Timing> {
  setBackend(new CpuBackend('float32'));
  const model = tutorialCnn(1);
  const opt = new Adam();
  const x = tensor(images, [batch, 28, 28, 1]);
  const y = tensor(labels, [batch], 'int32');
  return time(async () => {
    const loss = trainStep(model, opt, x, y);
    await loss.data();
    loss.dispose();
  }, reps);
}

async function tfjsCpu(): Promise<Timing> {
  await tf.setBackend('cpu');
  const model = tfjsModel(tf);
  model.compile({ optimizer: tf.train.adam(0.001), loss: tf.losses.softmaxCrossEntropy });
  const x = tf.tensor4d(images, [batch, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  return time(async () => {
    await model.trainOnBatch(x, y);
  }, tfjsReps, 0);
}

console.log(`Tutorial CNN training step, batch ${batch}; this engine: ${reps} measured steps after the first and 1 warm-up; TensorFlow.js: ${tfjsReps} after the first; ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}; no WebGPU adapter (CPU backends only)`);
const a = await ours();
console.log(`  this engine, cpu backend (float32): ${fmtMs(a)}`);
const b = await tfjsCpu();
console.log(`  TensorFlow.js ${tf.version.tfjs}, cpu backend:   ${fmtMs(b)}`);
const ips = (t: Timing) => ((batch * 1000) / t.median).toFixed(0);
console.log();
console.log(
  table(
    ['engine / backend', 'ms per step (median)', 'images / s', 'first step ms'],
    [
      ['this engine / cpu', a.median.toFixed(1), ips(a), a.first.toFixed(0)],
      ['tfjs / cpu', b.median.toFixed(1), ips(b), b.first.toFixed(0)],
    ],
  ),
);
console.log(`\nspeed-up over TensorFlow.js cpu: ${(b.median / a.median).toFixed(2)}x`);
