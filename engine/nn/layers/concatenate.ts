/** Keras's Concatenate: joins two or more inputs along `axis` (default -1, the channels). */
import type { Shape } from '../../backends/backend.js';
import { concat } from '../../ops/concat.js';
import type { Tensor } from '../../tensor.js';
import { show } from '../show.js';
import { MultiInputLayer, optionsObject } from './multi-input-layer.js';

export interface ConcatenateArgs {
  /** The axis of the batched tensor (0 is the batch axis, which cannot be joined); default -1. */
  axis?: number;
}

export class Concatenate extends MultiInputLayer {
  readonly className = 'Concatenate';
  readonly minInputs = 2;
  readonly maxInputs = Infinity;
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(undefined);
    const axis = optionsObject('Concatenate', args).axis ?? -1;
    if (!Number.isInteger(axis) || axis === 0) throw new Error(`Concatenate: axis must be a non-zero integer (0 is the batch axis), got ${show(axis)}`);
    this.axis = axis;
  }

  /** The axis within one sample's shape (no batch axis), for inputs of `rank` (without batch). */
  private sampleAxis(rank: number, shapes: readonly Shape[]): number {
    const a = this.axis < 0 ? this.axis + rank + 1 : this.axis;
    if (a < 1 || a > rank) {
      throw new Error(`Concatenate: axis ${this.axis} is out of range for inputs ${shapes.map((t) => `[None, ${t.join(', ')}]`).join(', ')}`);
    }
    return a - 1;
  }

  outputShapeOf(shapes: readonly Shape[]): number[] {
    if (shapes.length < 2) throw new Error(`Concatenate: needs at least 2 inputs, got ${shapes.length}`);
    const rank = shapes[0].length;
    const a = this.sampleAxis(rank, shapes);
    for (const s of shapes) {
      if (s.length !== rank || s.some((d, i) => i !== a && d !== shapes[0][i])) {
        throw new Error(`Concatenate: inputs must agree on every axis but ${this.axis}, got ${shapes.map((t) => `[None, ${t.join(', ')}]`).join(', ')}`);
      }
    }
    const out = [...shapes[0]];
    out[a] = shapes.reduce((n, s) => n + s[a], 0);
    return out;
  }

  callOn(xs: readonly Tensor[]): Tensor {
    return concat(xs, this.sampleAxis(xs[0].rank - 1, xs.map((x) => x.shape.slice(1))) + 1);
  }

  config(): Record<string, unknown> {
    return { axis: this.axis };
  }
}
