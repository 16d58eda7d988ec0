/**
 * bench/layer-map.ts attributes the kernels of one training step to layers by call order and
 * output shape. Checked on the real kernel sequences of both engines (test/fixtures/
 * timeline-kernels.json, recorded by bench/timeline.ts at batch 2) against what each kernel is
 * known to be by its name: the k-th Conv2D is the k-th convolution, the relu gradients (tfjs
 * Step) come from the layers with a ReLU in reverse order (this engine's reluBackward from the
 * dense and last conv layers, and from the pools that mask at their size), and so on.
 * None of those facts is used by the attribution, which sees only shapes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_PARAMETERS, LOSS, attributeLayers, cnnLayerShapes, groupOrder, type Phase } from '../bench/layer-map.js';
import { timelineSideBySide } from '../bench/render.js';
import type { TimelineEntry } from '../bench/timeline.js';

type Row = [Phase, string, number[] | null];
const fixture = JSON.parse(readFileSync(new URL('./fixtures/timeline-kernels.json', import.meta.url), 'utf8')) as Record<'cpu' | 'tfjs-cpu', Row[]>;
const layers = cnnLayerShapes(2);

function attributed(rows: Row[]) {
  const who = attributeLayers(rows.map(([phase, , shape]) => ({ phase, shape })), layers);
  return rows.map(([phase, kernel, shape], i) => ({ phase, kernel, shape, ...who[i] }));
}
/** The layers of the kernels named `kernel` in `pass`, in call order. */
const layersOf = (xs: ReturnType<typeof attributed>, pass: string, kernel: string) => xs.filter((x) => x.pass === pass && x.kernel === kernel).map((x) => x.layer);

const relu = ['conv2d', 'conv2d_1', 'conv2d_2', 'dense'];

describe('layer attribution of a training step', () => {
  it('names the layers as Keras does, with their shapes at the batch', () => {
    expect(layers.map((l) => l.name)).toEqual(['conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'conv2d_2', 'flatten', 'dense', 'dense_1']);
    expect(layers[2]).toEqual({ name: 'conv2d_1', input: [2, 13, 13, 32], output: [2, 11, 11, 64], weights: [[3, 3, 32, 64], [64]] });
  });

  it("TensorFlow.js's kernels (tf.profile) land on the layers their names say", () => {
    const xs = attributed(fixture['tfjs-cpu']);
    expect(layersOf(xs, 'forward', 'Conv2D')).toEqual(['conv2d', 'conv2d_1', 'conv2d_2']);
    expect(layersOf(xs, 'forward', 'MaxPool')).toEqual(['max_pooling2d', 'max_pooling2d_1']);
    expect(layersOf(xs, 'forward', 'Relu')).toEqual(relu);
    expect(layersOf(xs, 'forward', 'BatchMatMul')).toEqual(['dense']);
    expect(layersOf(xs, 'forward', '_FusedMatMul')).toEqual(['dense_1']);
    expect(layersOf(xs, 'backward', 'Step')).toEqual([...relu].reverse());
    expect(layersOf(xs, 'backward', 'MaxPoolGrad')).toEqual(['max_pooling2d_1', 'max_pooling2d']);
    expect(layersOf(xs, 'backward', 'Conv2DBackpropInput')).toEqual(['conv2d_2', 'conv2d_1']);
    expect(layersOf(xs, 'backward', 'Conv2DBackpropFilter')).toEqual(['conv2d_2', 'conv2d_1', 'conv2d']);
    // Dense gradients run as batched matmuls of shape [1, m, n]: input gradient, then weight gradient.
    expect(layersOf(xs, 'backward', 'BatchMatMul')).toEqual(['dense_1', 'dense_1', 'dense', 'dense']);
    // The loss: its forward kernels by phase; its gradient is everything before dense_1's first.
    expect(xs.filter((x) => x.phase === 'loss').every((x) => x.layer === LOSS && x.pass === 'forward')).toBe(true);
    const firstDense1 = xs.findIndex((x) => x.pass === 'backward' && x.layer === 'dense_1');
    expect(xs.slice(0, firstDense1).filter((x) => x.pass === 'backward').every((x) => x.layer === LOSS)).toBe(true);
    // Adam: 14 kernels per weight, on the weight's layer; the scalar bookkeeping on no layer.
    const update = xs.filter((x) => x.pass === 'update');
    for (const l of layers) expect(update.filter((x) => x.layer === l.name)).toHaveLength(14 * l.weights.length);
    expect(update.filter((x) => x.layer === ALL_PARAMETERS).every((x) => x.shape?.length === 0)).toBe(true);
  });

  it("this engine's kernel calls land on the layers their names say", () => {
    const xs = attributed(fixture.cpu);
    expect(layersOf(xs, 'forward', 'conv2d')).toEqual(['conv2d', 'conv2d_1', 'conv2d_2']);
    expect(layersOf(xs, 'forward', 'matmul')).toEqual(['dense', 'dense_1']);
    expect(layersOf(xs, 'forward', 'softmaxCrossEntropy')).toEqual([LOSS]);
    expect(layersOf(xs, 'backward', 'softmaxCrossEntropyBackward')).toEqual([LOSS]);
    // A ReLU followed by a max-pool is masked inside the pool's backward, at the pooled size
    // (engine/ops/relu.ts), so those two masks land on the pool layers.
    expect(layersOf(xs, 'backward', 'reluBackward')).toEqual(['dense', 'conv2d_2', 'max_pooling2d_1', 'max_pooling2d']);
    expect(layersOf(xs, 'backward', 'maxPool2dBackward')).toEqual(['max_pooling2d_1', 'max_pooling2d']);
    expect(layersOf(xs, 'backward', 'conv2dBackpropInput')).toEqual(['conv2d_2', 'conv2d_1']);
    expect(layersOf(xs, 'backward', 'conv2dBackpropFilter')).toEqual(['conv2d_2', 'conv2d_1', 'conv2d']);
    expect(layersOf(xs, 'backward', 'sum')).toEqual(['dense_1', 'dense', 'conv2d_2', 'conv2d_1', 'conv2d']);
    // The gradients gathered into the flat buffer, one copy per weight, then one Adam call for all.
    expect(layersOf(xs, 'update', 'copyInto')).toEqual(layers.flatMap((l) => l.weights.map(() => l.name)));
    expect(layersOf(xs, 'update', 'adam')).toEqual([ALL_PARAMETERS]);
  });

  it('the side-by-side table sums each engine by pass and layer, in step order', () => {
    const entries = (rows: Row[], msEach: number): TimelineEntry[] =>
      attributed(rows).map((x, index) => ({ index, kernel: x.kernel, op: null, workgroups: 0, ms: msEach, startMs: index * msEach, source: 'wall', shape: x.shape, pass: x.pass, layer: x.layer }));
    const a = entries(fixture.cpu, 1);
    const b = entries(fixture['tfjs-cpu'], 0.5);
    const side = timelineSideBySide([
      { backend: 'cpu', batch: 2, source: 'wall', totalMs: a.length, wallMs: 0, dispatches: a, notes: [] },
      { backend: 'tfjs-cpu', batch: 2, source: 'tf.profile', totalMs: b.length / 2, wallMs: 0, dispatches: b, notes: [] },
    ])!;
    expect(side.header).toEqual(['pass', 'layer', 'cpu ms', '%', 'n', 'tfjs-cpu ms', '%', 'n']);
    const order = groupOrder(layers).map((g) => `${g.pass} ${g.layer}`);
    const keys = side.rows.slice(0, -1).map((r) => `${r[0]} ${r[1]}`);
    expect(keys).toEqual(order.filter((k) => keys.includes(k)));
    const conv2Back = side.rows.find((r) => r[0] === 'backward' && r[1] === 'conv2d_1')!;
    // conv2d_1's backward: this engine's input and filter gradients and bias sum (its ReLU mask
    // is max_pooling2d_1's), tfjs's 8 kernels.
    expect(conv2Back.slice(2)).toEqual(['3.00', ((100 * 3) / a.length).toFixed(1), '3', '4.00', ((100 * 8) / b.length).toFixed(1), '8']);
    expect(side.rows[side.rows.length - 1]).toEqual(['step', 'total', a.length.toFixed(2), '100', String(a.length), (b.length / 2).toFixed(2), '100', String(b.length)]);
  });
});
