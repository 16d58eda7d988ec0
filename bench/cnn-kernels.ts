/**
 * Every kernel call of one training step of the tutorial CNN (model/cnn.ts), forward, backward
 * and the Adam update, at a given batch size: shapes, operation counts (flops.ts) and a way to
 * issue the call alone on any backend with random inputs of those shapes.
 *
 * The list mirrors what engine/nn/train-step.ts issues (conv+bias+ReLU fused, dense = matmul +
 * broadcast add + ReLU, bias gradients as sums, gradients gathered by copyInto, one Adam dispatch);
 * the 'timeline' suite records the real sequence with the profiler.
 */
import type { Backend, Conv2DGeometry, KernelName, Pool2DGeometry, TensorData } from '../engine/backends/backend.js';
import { sizeOf } from '../engine/backends/backend.js';
import { PARAMETER_ALIGNMENT } from '../engine/nn/parameter-store.js';
import { conv2dGeometry, pool2dGeometry } from '../engine/ops/geometry.js';
import type { Random } from '../engine/random.js';
import {
  adamCount, binaryCount, conv2dBackpropFilterCount, conv2dBackpropInputCount, conv2dCount, matmulCount, maxPoolBackwardCount,
  maxPoolCount, reluBackwardCount, softmaxXentBackwardCount, softmaxXentCount, sumCount, type OpCount,
} from './flops.js';

/** The tutorial CNN's geometry at batch B (valid padding, stride 1 convs, 2x2 pools). */
export function cnnShapes(batch: number) {
  const conv1 = conv2dGeometry('conv1', [batch, 28, 28, 1], [3, 3, 1, 32], [1, 1], 'valid');
  const pool1 = pool2dGeometry('pool1', [batch, 26, 26, 32], [2, 2], [2, 2], 'valid');
  const conv2 = conv2dGeometry('conv2', [batch, 13, 13, 32], [3, 3, 32, 64], [1, 1], 'valid');
  const pool2 = pool2dGeometry('pool2', [batch, 11, 11, 64], [2, 2], [2, 2], 'valid');
  const conv3 = conv2dGeometry('conv3', [batch, 5, 5, 64], [3, 3, 64, 64], [1, 1], 'valid');
  const flat = 3 * 3 * 64; // 576
  const paramShapes = [
    [3, 3, 1, 32], [32], [3, 3, 32, 64], [64], [3, 3, 64, 64], [64], [flat, 128], [128], [128, 10], [10],
  ];
  // The ParameterStore's flat buffer: each parameter padded to PARAMETER_ALIGNMENT elements.
  const adamLength = paramShapes.reduce((n, s) => n + Math.ceil(sizeOf(s) / PARAMETER_ALIGNMENT) * PARAMETER_ALIGNMENT, 0);
  return { batch, conv1, pool1, conv2, pool2, conv3, flat, hidden: 128, classes: 10, paramShapes, adamLength };
}

export type CnnShapes = ReturnType<typeof cnnShapes>;

export interface KernelCase {
  /** Unique, e.g. 'conv2 bwd filter'. */
  readonly name: string;
  readonly layer: string;
  readonly kernel: KernelName;
  readonly direction: 'fwd' | 'bwd' | 'update';
  /** Human-readable shapes. */
  readonly shapes: string;
  readonly count: OpCount;
  /** Uploads random inputs on `be`; `run` issues the kernel once and returns what it allocated. */
  prepare(be: Backend, rng: Random): PreparedCase;
}

export interface PreparedCase {
  run(): TensorData[];
  dispose(): void;
}

type Shape = readonly number[];
const shp = (s: Shape) => `[${s.join(',')}]`;
const convIn = (g: Conv2DGeometry) => [g.batch, g.inH, g.inW, g.inC];
const convOut = (g: Conv2DGeometry) => [g.batch, g.outH, g.outW, g.outC];
const convW = (g: Conv2DGeometry) => [g.kH, g.kW, g.inC, g.outC];
const poolIn = (g: Pool2DGeometry) => [g.batch, g.inH, g.inW, g.channels];
const poolOut = (g: Pool2DGeometry) => [g.batch, g.outH, g.outW, g.channels];

/** Helper: uploads named inputs, and makes a PreparedCase releasing them. */
function prepared(be: Backend, inputs: TensorData[], run: () => TensorData[]): PreparedCase {
  return { run, dispose: () => inputs.forEach((t) => be.release(t.storage)) };
}

function randomFloat(be: Backend, rng: Random, shape: Shape, lo = -1, hi = 1): TensorData {
  const v = new Float32Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rng.next();
  return be.upload(v, shape, 'float32');
}

/** A valid argmax for a max-pool: per output, the flat NHWC index of a random position in its window. */
function randomArgmax(be: Backend, rng: Random, g: Pool2DGeometry): TensorData {
  const out = new Int32Array(sizeOf(poolOut(g)));
  let i = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        for (let c = 0; c < g.channels; c++) {
          const iy = Math.min(g.inH - 1, oy * g.strideH - g.padTop + rng.int(g.poolH));
          const ix = Math.min(g.inW - 1, ox * g.strideW - g.padLeft + rng.int(g.poolW));
          out[i++] = ((b * g.inH + Math.max(0, iy)) * g.inW + Math.max(0, ix)) * g.channels + c;
        }
      }
    }
  }
  return be.upload(out, poolOut(g), 'int32');
}

function randomLabels(be: Backend, rng: Random, n: number, classes: number): TensorData {
  return be.upload(Int32Array.from({ length: n }, () => rng.int(classes)), [n], 'int32');
}

/**
 * `pooledBy`: the max-pool that follows the conv. Its backward masks the gradient by the ReLU at
 * the pooled size, and the conv's backward then skips the full-size mask (engine/ops/relu.ts).
 */
function convCases(layer: string, g: Conv2DGeometry, withInputGrad: boolean, pooledBy?: Pool2DGeometry): KernelCase[] {
  const reluShape = pooledBy ? poolOut(pooledBy) : convOut(g);
  const cases: KernelCase[] = [
    {
      name: `${layer} fwd conv+bias+relu`, layer, kernel: 'conv2d', direction: 'fwd',
      shapes: `x${shp(convIn(g))} w${shp(convW(g))} -> ${shp(convOut(g))}`,
      count: conv2dCount(g, true, true),
      prepare: (be, rng) => {
        const x = randomFloat(be, rng, convIn(g));
        const w = randomFloat(be, rng, convW(g));
        const b = randomFloat(be, rng, [g.outC]);
        return prepared(be, [x, w, b], () => [be.kernels.conv2d(x, w, b, g, true)]);
      },
    },
    {
      name: `${layer} bwd relu`, layer, kernel: 'reluBackward', direction: 'bwd',
      shapes: `dy${shp(reluShape)}${pooledBy ? ' (pooled)' : ''}`,
      count: reluBackwardCount(sizeOf(reluShape)),
      prepare: (be, rng) => {
        const dy = randomFloat(be, rng, reluShape);
        const y = randomFloat(be, rng, reluShape);
        return prepared(be, [dy, y], () => [be.kernels.reluBackward(dy, y)]);
      },
    },
    {
      name: `${layer} bwd filter`, layer, kernel: 'conv2dBackpropFilter', direction: 'bwd',
      shapes: `x${shp(convIn(g))} dy${shp(convOut(g))} -> ${shp(convW(g))}`,
      count: conv2dBackpropFilterCount(g),
      prepare: (be, rng) => {
        const x = randomFloat(be, rng, convIn(g));
        const dy = randomFloat(be, rng, convOut(g));
        return prepared(be, [x, dy], () => [be.kernels.conv2dBackpropFilter(x, dy, g)]);
      },
    },
    {
      name: `${layer} bwd bias`, layer, kernel: 'sum', direction: 'bwd',
      shapes: `sum ${shp(convOut(g))} over N,H,W -> [${g.outC}]`,
      count: sumCount(sizeOf(convOut(g)), g.outC),
      prepare: (be, rng) => {
        const dy = randomFloat(be, rng, convOut(g));
        return prepared(be, [dy], () => [be.kernels.sum(dy, [0, 1, 2], [g.outC])]);
      },
    },
  ];
  if (withInputGrad) {
    cases.push({
      name: `${layer} bwd input`, layer, kernel: 'conv2dBackpropInput', direction: 'bwd',
      shapes: `dy${shp(convOut(g))} w${shp(convW(g))} -> ${shp(convIn(g))}`,
      count: conv2dBackpropInputCount(g),
      prepare: (be, rng) => {
        const dy = randomFloat(be, rng, convOut(g));
        const w = randomFloat(be, rng, convW(g));
        return prepared(be, [dy, w], () => [be.kernels.conv2dBackpropInput(dy, w, g)]);
      },
    });
  }
  return cases;
}

function poolCases(layer: string, g: Pool2DGeometry): KernelCase[] {
  return [
    {
      name: `${layer} fwd maxpool`, layer, kernel: 'maxPool2d', direction: 'fwd',
      shapes: `${shp(poolIn(g))} -> ${shp(poolOut(g))}`,
      count: maxPoolCount(g),
      prepare: (be, rng) => {
        const x = randomFloat(be, rng, poolIn(g));
        return prepared(be, [x], () => {
          const { y, argmax } = be.kernels.maxPool2d(x, g);
          return [y, argmax];
        });
      },
    },
    {
      name: `${layer} bwd maxpool`, layer, kernel: 'maxPool2dBackward', direction: 'bwd',
      shapes: `dy${shp(poolOut(g))} -> ${shp(poolIn(g))}`,
      count: maxPoolBackwardCount(g),
      prepare: (be, rng) => {
        const dy = randomFloat(be, rng, poolOut(g));
        const am = randomArgmax(be, rng, g);
        return prepared(be, [dy, am], () => [be.kernels.maxPool2dBackward(dy, am, g)]);
      },
    },
  ];
}

function denseCases(layer: string, B: number, nIn: number, nOut: number, relu: boolean, withInputGrad: boolean): KernelCase[] {
  const cases: KernelCase[] = [
    {
      name: `${layer} fwd matmul`, layer, kernel: 'matmul', direction: 'fwd',
      shapes: `[${B},${nIn}]·[${nIn},${nOut}]`, count: matmulCount(B, nOut, nIn),
      prepare: (be, rng) => {
        const x = randomFloat(be, rng, [B, nIn]);
        const w = randomFloat(be, rng, [nIn, nOut]);
        return prepared(be, [x, w], () => [be.kernels.matmul(x, w, false, false)]);
      },
    },
    {
      name: `${layer} fwd bias add`, layer, kernel: 'binary', direction: 'fwd',
      shapes: `[${B},${nOut}]+[${nOut}]`, count: binaryCount(B * nOut, nOut, B * nOut),
      prepare: (be, rng) => {
        const y = randomFloat(be, rng, [B, nOut]);
        const b = randomFloat(be, rng, [nOut]);
        return prepared(be, [y, b], () => [be.kernels.binary(y, b, 'add', [B, nOut])]);
      },
    },
  ];
  if (relu) {
    cases.push(
      {
        name: `${layer} fwd relu`, layer, kernel: 'unary', direction: 'fwd',
        shapes: `[${B},${nOut}]`, count: { flops: B * nOut, bytes: 4 * 2 * B * nOut },
        prepare: (be, rng) => {
          const y = randomFloat(be, rng, [B, nOut]);
          return prepared(be, [y], () => [be.kernels.unary(y, 'relu')]);
        },
      },
      {
        name: `${layer} bwd relu`, layer, kernel: 'reluBackward', direction: 'bwd',
        shapes: `dy[${B},${nOut}]`, count: reluBackwardCount(B * nOut),
        prepare: (be, rng) => {
          const dy = randomFloat(be, rng, [B, nOut]);
          const y = randomFloat(be, rng, [B, nOut]);
          return prepared(be, [dy, y], () => [be.kernels.reluBackward(dy, y)]);
        },
      },
    );
  }
  cases.push(
    {
      name: `${layer} bwd bias`, layer, kernel: 'sum', direction: 'bwd',
      shapes: `sum [${B},${nOut}] over N -> [${nOut}]`, count: sumCount(B * nOut, nOut),
      prepare: (be, rng) => {
        const dy = randomFloat(be, rng, [B, nOut]);
        return prepared(be, [dy], () => [be.kernels.sum(dy, [0], [nOut])]);
      },
    },
    {
      name: `${layer} bwd weights`, layer, kernel: 'matmul', direction: 'bwd',
      shapes: `[${B},${nIn}]ᵀ·[${B},${nOut}]`, count: matmulCount(nIn, nOut, B),
      prepare: (be, rng) => {
        const x = randomFloat(be, rng, [B, nIn]);
        const dy = randomFloat(be, rng, [B, nOut]);
        return prepared(be, [x, dy], () => [be.kernels.matmul(x, dy, true, false)]);
      },
    },
  );
  if (withInputGrad) {
    cases.push({
      name: `${layer} bwd input`, layer, kernel: 'matmul', direction: 'bwd',
      shapes: `[${B},${nOut}]·[${nIn},${nOut}]ᵀ`, count: matmulCount(B, nIn, nOut),
      prepare: (be, rng) => {
        const dy = randomFloat(be, rng, [B, nOut]);
        const w = randomFloat(be, rng, [nIn, nOut]);
        return prepared(be, [dy, w], () => [be.kernels.matmul(dy, w, false, true)]);
      },
    });
  }
  return cases;
}

/** Every kernel call of one training step at `batch`, in forward-then-backward layer order. */
export function cnnKernelCases(batch: number): KernelCase[] {
  const s = cnnShapes(batch);
  const B = batch;
  const C = s.classes;
  return [
    ...convCases('conv1', s.conv1, false, s.pool1),
    ...poolCases('pool1', s.pool1),
    ...convCases('conv2', s.conv2, true, s.pool2),
    ...poolCases('pool2', s.pool2),
    ...convCases('conv3', s.conv3, true),
    ...denseCases('dense1', B, s.flat, s.hidden, true, true),
    ...denseCases('dense2', B, s.hidden, C, false, true),
    {
      name: 'loss fwd softmax xent', layer: 'loss', kernel: 'softmaxCrossEntropy', direction: 'fwd',
      shapes: `logits[${B},${C}]`, count: softmaxXentCount(B, C),
      prepare: (be, rng) => {
        const logits = randomFloat(be, rng, [B, C], -3, 3);
        const labels = randomLabels(be, rng, B, C);
        return prepared(be, [logits, labels], () => {
          const { loss, probs } = be.kernels.softmaxCrossEntropy(logits, labels);
          return [loss, probs];
        });
      },
    },
    {
      name: 'loss bwd softmax xent', layer: 'loss', kernel: 'softmaxCrossEntropyBackward', direction: 'bwd',
      shapes: `probs[${B},${C}]`, count: softmaxXentBackwardCount(B, C),
      prepare: (be, rng) => {
        const probs = randomFloat(be, rng, [B, C], 0, 0.2);
        const labels = randomLabels(be, rng, B, C);
        const dLoss = be.upload([1], [], 'float32');
        return prepared(be, [probs, labels, dLoss], () => [be.kernels.softmaxCrossEntropyBackward(probs, labels, dLoss)]);
      },
    },
    {
      name: 'adam update', layer: 'optimizer', kernel: 'adam', direction: 'update',
      shapes: `flat[${s.adamLength}] x4`, count: adamCount(s.adamLength),
      prepare: (be, rng) => {
        const n = s.adamLength;
        const p = randomFloat(be, rng, [n]);
        const g = randomFloat(be, rng, [n]);
        const m = randomFloat(be, rng, [n]);
        const v = randomFloat(be, rng, [n], 0, 1);
        const scalars = { stepSize: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: 0 };
        return prepared(be, [p, g, m, v], () => {
          be.kernels.adam(p, g, m, v, scalars);
          return [];
        });
      },
    },
  ];
}
