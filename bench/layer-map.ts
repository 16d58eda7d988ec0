/**
 * Attributes the kernels of one training step to the model's layers, for both engines alike:
 * this engine's kernel-table calls and TensorFlow.js's `tf.profile` kernels carry only a name and
 * an output shape, in call order. The pass (forward, the loss, backward, update) is known from
 * how the step was run (bench/timeline.ts); within a pass the layer comes from the output shape:
 *
 * - forward: a kernel belongs to the first layer, at or after the current one, whose output shape
 *   it produces; kernels of other shapes (copies of the weights, reshapes) belong to the layer of
 *   the next kernel that matches, and those after the last match to the last layer matched;
 * - backward (layers walked from last to first): a kernel whose output has the shape of a
 *   layer's weight belongs to that layer (the nearest at or above the current one, then below);
 *   the first kernel with the shape of the current layer's input is its input gradient, and the
 *   walk moves on to the layer below; other kernels (activation gradients, reshapes) belong to
 *   the layer of the next match. Kernels before the first match of the last layer are the
 *   loss's backward. Reshape layers (Flatten: no weights, as many outputs as inputs) are walked
 *   past: their gradient is a reshape at most, counted with the layer below.
 * - update: weight-shaped kernels go to the weight's layer (walking first to last); the rest
 *   (optimizer scalars; this engine's one Adam dispatch over every parameter) to "all parameters".
 *
 * Shapes are compared without leading 1s (TensorFlow.js runs dense layers as batched matmuls of
 * shape [1, m, n]). Scope records of TensorFlow.js's custom-gradient ops (names ending in `__op`)
 * time the kernels inside them, which are listed on their own: callers leave them out.
 */
import type { Shape } from '../engine/backends/backend.js';
import { tutorialCnn } from '../model/cnn.js';

export type Phase = 'forward' | 'loss' | 'backward' | 'update';
export type Pass = 'forward' | 'backward' | 'update';

export interface LayerShapes {
  name: string;
  /** Shapes with the batch axis. */
  input: number[];
  output: number[];
  weights: number[][];
}

export interface KernelCall {
  phase: Phase;
  /** Output shape of the kernel (its first output), or null when unknown. */
  shape: readonly number[] | null;
}

export interface Attribution {
  pass: Pass;
  /** A layer name, 'loss' or ALL_PARAMETERS. */
  layer: string;
}

export const LOSS = 'loss';
export const ALL_PARAMETERS = 'all parameters';

/** The tutorial CNN's layers at `batch`, named as Keras names them (conv2d, max_pooling2d, ..., dense_1). */
export function cnnLayerShapes(batch: number): LayerShapes[] {
  const model = tutorialCnn();
  let shape: Shape = model.inputShape;
  return model.layers.map((layer) => {
    const output = layer.outputShape([...shape]);
    const l: LayerShapes = { name: layer.name, input: [batch, ...shape], output: [batch, ...output], weights: layer.weightSpecs([...shape]).map((w) => [...w.shape]) };
    shape = output;
    return l;
  });
}

const key = (s: readonly number[] | null): string | null => {
  if (!s) return null;
  let i = 0;
  while (i < s.length - 1 && s[i] === 1) i++;
  return s.slice(i).join(',');
};

/** Each call's pass and layer (see the rules above). Calls of one phase must be contiguous. */
export function attributeLayers(calls: readonly KernelCall[], layers: readonly LayerShapes[]): Attribution[] {
  const out: Attribution[] = new Array(calls.length);
  const outs = layers.map((l) => key(l.output));
  const ins = layers.map((l) => key(l.input));
  const weights = layers.map((l) => new Set(l.weights.map(key)));
  const last = layers.length - 1;
  const elements = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);
  // A reshape layer (Flatten): no weights, as many outputs as inputs. It does no arithmetic and
  // its gradient is a reshape at most (none on this engine), so backward walks past it.
  const reshape = layers.map((l) => l.weights.length === 0 && elements(l.input) === elements(l.output));

  let i = 0;
  while (i < calls.length) {
    const phase = calls[i].phase;
    let j = i;
    while (j < calls.length && calls[j].phase === phase) j++;
    const idx = Array.from({ length: j - i }, (_, k) => i + k);
    if (phase === 'loss') idx.forEach((k) => (out[k] = { pass: 'forward', layer: LOSS }));
    else if (phase === 'forward') forward(idx);
    else if (phase === 'backward') backward(idx);
    else update(idx);
    i = j;
  }
  return out;

  function forward(idx: number[]): void {
    let p = 0;
    let pending: number[] = [];
    let matched = -1;
    for (const k of idx) {
      const s = key(calls[k].shape);
      let hit = -1;
      for (let l = p; l <= last; l++) if (outs[l] === s) { hit = l; break; }
      if (hit < 0) {
        pending.push(k);
        continue;
      }
      p = matched = hit;
      for (const q of [...pending, k]) out[q] = { pass: 'forward', layer: layers[hit].name };
      pending = [];
    }
    for (const q of pending) out[q] = { pass: 'forward', layer: matched >= 0 ? layers[matched].name : layers[0].name };
  }

  function weightOwner(s: string | null, p: number, upwardFirst: boolean): number {
    const order: number[] = [];
    if (upwardFirst) {
      for (let l = Math.max(p, 0); l <= last; l++) order.push(l);
      for (let l = p - 1; l >= 0; l--) order.push(l);
    } else {
      for (let l = Math.max(p, 0); l <= last; l++) order.push(l);
    }
    return order.find((l) => weights[l].has(s)) ?? -1;
  }

  function backward(idx: number[]): void {
    let p = last;
    const inputSeen = new Set<number>();
    let pending: number[] = [];
    let matched = -1;
    for (const k of idx) {
      while (p > 0 && reshape[p]) p--;
      const s = key(calls[k].shape);
      let hit = weightOwner(s, p, true);
      // Still in the loss's gradient: only the last layer can match (a [batch] loss kernel must not
      // pass for a bias of the same length further down).
      if (matched < 0 && hit !== last) hit = -1;
      if (hit < 0 && p >= 0 && ins[p] === s && !inputSeen.has(p)) {
        hit = p;
        inputSeen.add(p);
      }
      if (hit < 0) {
        pending.push(k);
        continue;
      }
      const name = layers[hit].name;
      // Kernels before the first match are the loss's gradient.
      for (const q of pending) out[q] = { pass: 'backward', layer: matched < 0 ? LOSS : name };
      out[k] = { pass: 'backward', layer: name };
      pending = [];
      matched = hit;
      if (inputSeen.has(hit) && hit === p) p = hit - 1;
      else if (hit < p) p = hit;
    }
    for (const q of pending) out[q] = { pass: 'backward', layer: matched >= 0 ? layers[matched].name : LOSS };
  }

  function update(idx: number[]): void {
    let p = 0;
    for (const k of idx) {
      const hit = weightOwner(key(calls[k].shape), p, false);
      if (hit >= 0) p = hit;
      out[k] = { pass: 'update', layer: hit >= 0 ? layers[hit].name : ALL_PARAMETERS };
    }
  }
}

/** The groups of a step in display order: forward layers then the loss, backward from the loss down, update. */
export function groupOrder(layers: readonly LayerShapes[]): Attribution[] {
  const names = layers.map((l) => l.name);
  return [
    ...names.map((layer) => ({ pass: 'forward' as const, layer })),
    { pass: 'forward', layer: LOSS },
    { pass: 'backward', layer: LOSS },
    ...[...names].reverse().map((layer) => ({ pass: 'backward' as const, layer })),
    ...names.map((layer) => ({ pass: 'update' as const, layer })),
    { pass: 'update', layer: ALL_PARAMETERS },
  ];
}
