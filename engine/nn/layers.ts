/**
 * Keras-style layers: the base class (layers/base.ts) and one file per layer or small family
 * under layers/. This file is the index the rest of the engine imports from.
 */
export { Layer, type WeightSpec, type Activation, ACTIVATION_NAMES, activate, checkActivation } from './layers/base.js';
export { Conv2D, type Conv2DArgs } from './layers/conv2d.js';
export { Dense, type DenseArgs } from './layers/dense.js';
export { MaxPooling2D, type MaxPooling2DArgs } from './layers/pooling.js';
export { Flatten } from './layers/reshape.js';
