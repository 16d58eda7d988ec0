/**
 * The activations beyond ./nn's linear, relu and softmax, registered with the layers
 * (base.ts) when this module is loaded. ActivationLayer imports it (and registers again, which is
 * idempotent), so it comes with the ./layers subpath, engine/index.ts and tfjs-format; a real
 * import, not a bare one, so that bundlers that trust package.json's "sideEffects": false keep it.
 * The functions are ops of the ./ops subpath (engine/ops/activations.ts).
 */
import { elu, gelu, sigmoid, softplus, tanh } from '../../ops/activations.js';
import { mul } from '../../ops/binary.js';
import type { Tensor } from '../../tensor.js';
import { type Activation, registerActivations } from './base.js';

export const EXTENDED_ACTIVATIONS: Partial<Record<Activation, (x: Tensor) => Tensor>> = {
  sigmoid,
  tanh,
  softplus,
  elu: (x) => elu(x),
  /** Keras's 'gelu': the erf form. */
  gelu: (x) => gelu(x),
  /** tfjs's 'gelu_new': the tanh approximation. */
  gelu_new: (x) => gelu(x, { approximate: true }),
  swish: (x) => mul(x, sigmoid(x)),
};

registerActivations(EXTENDED_ACTIVATIONS);
