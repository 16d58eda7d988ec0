/**
 * Embedding: integer token ids [sequence] -> vectors [sequence, outputDim], rows of the
 * `embeddings` weight [inputDim, outputDim] (a gather, whose gradient is a deterministic
 * scatter-add). Ids come in as floats (host data is float32) and are cast to int32, rounding
 * toward zero as Keras's cast does. On the CPU backend an id outside [0, inputDim) is an
 * error naming it; on WebGPU ids are not read back, so check them before fit.
 */
import type { Shape } from '../../backends/backend.js';
import { cast } from '../../ops/cast.js';
import { gather } from '../../ops/gather.js';
import type { Tensor } from '../../tensor.js';
import { checkRegularizer, type Regularizer } from '../regularizers.js';
import { Layer, type WeightSpec, argsOf, checkPositiveInt } from './base.js';

export interface EmbeddingArgs {
  /** Vocabulary size: ids are in [0, inputDim). */
  inputDim: number;
  outputDim: number;
  /** Keras's embeddings_regularizer. */
  embeddingsRegularizer?: { l1?: number; l2?: number } | null;
  /** [sequenceLength] (Keras's input_length). */
  inputShape?: number[];
}

export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly embeddingsRegularizer: Regularizer | null;

  constructor(args: EmbeddingArgs) {
    super(argsOf('Embedding', args).inputShape);
    this.inputDim = checkPositiveInt('Embedding', 'inputDim', args.inputDim);
    this.outputDim = checkPositiveInt('Embedding', 'outputDim', args.outputDim);
    this.embeddingsRegularizer = checkRegularizer('Embedding', 'embeddingsRegularizer', args.embeddingsRegularizer);
  }

  override weightSpecs(): WeightSpec[] {
    return [{ name: 'embeddings', shape: [this.inputDim, this.outputDim], init: 'randomUniform', regularizer: this.embeddingsRegularizer }];
  }

  outputShape(inputShape: Shape): number[] {
    if (inputShape.length < 1) throw new Error(`${this.label}: expected token ids of shape [sequence], got [${inputShape}]`);
    return [...inputShape, this.outputDim];
  }

  call(x: Tensor, weights: readonly Tensor[]): Tensor {
    const ids = x.dtype === 'int32' ? x : cast(x, 'int32');
    return gather(weights[0], ids, 0);
  }

  config(): Record<string, unknown> {
    return { input_dim: this.inputDim, output_dim: this.outputDim, ...(this.embeddingsRegularizer ? { embeddings_regularizer: { ...this.embeddingsRegularizer } } : {}) };
  }
}
