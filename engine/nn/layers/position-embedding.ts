/**
 * keras_hub's PositionEmbedding: a learned vector per position of a sequence. On x [T, D] it
 * returns the first T of its `sequenceLength` embeddings [sequenceLength, D], broadcast over the
 * batch; add them to x with an Add layer (as keras_hub's examples do: x + PositionEmbedding(x)).
 */
import type { Shape } from '../../backends/backend.js';
import { broadcastTo, slice } from '../../ops/shape.js';
import type { Tensor } from '../../tensor.js';
import { Layer, type WeightSpec } from './base.js';
import { show } from '../show.js';
import { optionsObject } from './multi-input-layer.js';

export interface PositionEmbeddingArgs {
  /** The longest sequence it embeds. */
  sequenceLength: number;
}

export class PositionEmbedding extends Layer {
  readonly className = 'PositionEmbedding';
  readonly sequenceLength: number;

  constructor(args: PositionEmbeddingArgs) {
    super(undefined);
    const n = optionsObject('PositionEmbedding', args).sequenceLength;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new Error(`PositionEmbedding: sequenceLength must be a positive integer, got ${show(n)}`);
    this.sequenceLength = n;
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    return [{ name: 'embeddings', shape: [this.sequenceLength, inputShape[inputShape.length - 1]], init: 'glorotUniform' }];
  }

  outputShape(inputShape: Shape): number[] {
    const label = this.name || 'PositionEmbedding';
    if (inputShape.length !== 2) throw new Error(`${label}: expected a sequence [length, features], got [${inputShape.join(', ')}]`);
    if (inputShape[0] > this.sequenceLength) {
      throw new Error(`${label}: the sequence has ${inputShape[0]} positions, more than its sequenceLength ${this.sequenceLength}`);
    }
    return [...inputShape];
  }

  call(x: Tensor, weights: readonly Tensor[]): Tensor {
    const [B, T, D] = x.shape;
    const table = T === this.sequenceLength ? weights[0] : slice(weights[0], [0, 0], [T, D]);
    return broadcastTo(table, [B, T, D]);
  }

  config(): Record<string, unknown> {
    return { sequence_length: this.sequenceLength };
  }
}
