/**
 * Keras-style layers: the base class (layers/base.ts) and one file per layer or small family
 * under layers/. This file is the index the rest of the repository imports from; with
 * ActivationLayer it brings every activation (layers/activation-functions.ts). The package's main
 * entry takes the tutorial's layers from their own files, so its bundle holds none of the others.
 */
export { Layer, type WeightSpec, type Activation, ACTIVATION_NAMES, activate, checkActivation, registerActivations } from './layers/base.js';
export { ActivationLayer, type ActivationArgs } from './layers/activation.js';
export { Conv2D, type Conv2DArgs } from './layers/conv2d.js';
export { DepthwiseConv2D, type DepthwiseConv2DArgs } from './layers/depthwise-conv2d.js';
export { Dense, type DenseArgs } from './layers/dense.js';
export { Dropout, type DropoutArgs } from './layers/dropout.js';
export { Embedding, type EmbeddingArgs } from './layers/embedding.js';
export {
  BatchNormalization, type BatchNormalizationArgs, LayerNormalization, type LayerNormalizationArgs,
} from './layers/normalization.js';
export { MaxPooling2D, type MaxPooling2DArgs, type Pooling2DArgs } from './layers/pooling.js';
export { AveragePooling2D, type AveragePooling2DArgs, GlobalAveragePooling2D, GlobalMaxPooling2D } from './layers/average-pooling.js';
export { Flatten } from './layers/flatten.js';
export { Reshape, type ReshapeArgs } from './layers/reshape.js';
