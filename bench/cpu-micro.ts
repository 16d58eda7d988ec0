/**
 * `npm run bench:micro`: synchronous CPU micro-benchmarks with benchmark.js
 * (statistically sampled, the right tool for synchronous work): this engine's
 * CPU kernels with each GEMM (wasm SIMD on one thread, plain JS) beside
 * TensorFlow.js's `cpu` backend on the same inputs, with the ratio of their
 * mean times. Short sampling (--max-time seconds per case) keeps it usable on
 * 2 cores.
 */
import { parseArgs } from 'node:util';
import Benchmark from 'benchmark';
import * as tf from '@tensorflow/tfjs';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { conv2d } from '../engine/ops/conv2d.js';
import { matmul } from '../engine/ops/matmul.js';
import { Random } from '../engine/random.js';
import { noGrad, setBackend, tidy } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { table } from './harness.js';

const { values: args } = parseArgs({ options: { 'max-time': { type: 'string', default: '2' } } });
const maxTime = Number(args['max-time']);

const wasm = new CpuBackend('float32', { gemm: 'wasm', threads: 1 });
const js = new CpuBackend('float32', { gemm: 'js' });
await tf.setBackend('cpu');
const rng = new Random(7);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));

interface Case {
  name: string;
  flops: number;
  wasm: () => void;
  js: () => void;
  tfjs: () => void;
}

/** The same computation on both of this engine's GEMMs (inputs uploaded to each backend). */
function onBoth(make: () => () => void): { wasm: () => void; js: () => void } {
  setBackend(wasm);
  const w = make();
  setBackend(js);
  const j = make();
  return {
    wasm: () => {
      setBackend(wasm);
      w();
    },
    js: () => {
      setBackend(js);
      j();
    },
  };
}

function matmulCase(m: number, k: number, n: number): Case {
  const a = rand(m * k);
  const b = rand(k * n);
  const tA = tf.tensor2d(a, [m, k]);
  const tB = tf.tensor2d(b, [k, n]);
  return {
    name: `matmul ${m}x${k}x${n}`,
    flops: 2 * m * k * n,
    ...onBoth(() => {
      const A = tensor(a, [m, k]);
      const B = tensor(b, [k, n]);
      return () => noGrad(() => tidy(() => matmul(A, B).dataSync()));
    }),
    tfjs: () => tf.tidy(() => tf.matMul(tA, tB).dataSync()),
  };
}

function convCase(batch: number, h: number, c: number, f: number): Case {
  const x = rand(batch * h * h * c);
  const w = rand(3 * 3 * c * f);
  const tX = tf.tensor4d(x, [batch, h, h, c]);
  const tW = tf.tensor4d(w, [3, 3, c, f]);
  const out = h - 2;
  return {
    name: `conv2d 3x3 [${batch},${h},${h},${c}]->${f}`,
    flops: 2 * batch * out * out * f * 9 * c,
    ...onBoth(() => {
      const X = tensor(x, [batch, h, h, c]);
      const W = tensor(w, [3, 3, c, f]);
      return () => noGrad(() => tidy(() => conv2d(X, W).dataSync()));
    }),
    tfjs: () => tf.tidy(() => tf.conv2d(tX, tW, 1, 'valid').dataSync()),
  };
}

const cases = [matmulCase(256, 256, 256), matmulCase(256, 576, 128), convCase(32, 13, 32, 64), convCase(32, 28, 1, 32)];
const rows: string[][] = [];
for (const c of cases) {
  const stats: Record<string, Benchmark> = {};
  await new Promise<void>((resolve) => {
    new Benchmark.Suite(c.name)
      .add('wasm', c.wasm, { maxTime, minSamples: 5 })
      .add('js', c.js, { maxTime, minSamples: 5 })
      .add('tfjs', c.tfjs, { maxTime, minSamples: 5 })
      .on('cycle', (e: Benchmark.Event) => {
        const b = e.target as unknown as Benchmark;
        stats[b.name!] = b;
      })
      .on('complete', () => resolve())
      .run({ async: false });
  });
  const ms = (k: string) => stats[k].stats.mean * 1000;
  const cell = (k: string) => `${ms(k).toFixed(2)} ±${stats[k].stats.rme.toFixed(0)}%`;
  const gflops = (k: string) => `${((c.flops / ms(k)) * 1e-6).toFixed(2)}`;
  rows.push([
    c.name,
    cell('wasm'), gflops('wasm'),
    cell('js'), gflops('js'),
    cell('tfjs'), gflops('tfjs'),
    `${(ms('js') / ms('wasm')).toFixed(2)}x`,
    `${(ms('tfjs') / ms('wasm')).toFixed(2)}x`,
  ]);
  console.log(`done: ${c.name}`);
}
console.log(`\nbenchmark.js, mean per call; this engine's wasm SIMD GEMM on one thread and its JS GEMM; TensorFlow.js ${tf.version.tfjs} cpu backend (single-threaded JS)\n`);
console.log(table(['kernel', 'wasm ms', 'GFLOP/s', 'js ms', 'GFLOP/s', 'tfjs ms', 'GFLOP/s', 'js / wasm', 'tfjs / wasm'], rows));
