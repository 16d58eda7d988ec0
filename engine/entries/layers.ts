/**
 * `webgpu-tensor-engine/layers`: the layers of issue 14 beyond the tutorial CNN's (README,
 * "Layers"), and the activations beyond linear, relu and softmax for every layer (importing this
 * entry registers them, through ActivationLayer). They build on the op families of ./ops, and work in the main entry's
 * Sequential.
 * @module webgpu-tensor-engine/layers
 */
export { ACTIVATION_NAMES, activate, checkActivation, registerActivations } from '../nn/layers/base.js';
export { ActivationLayer, type ActivationArgs } from '../nn/layers/activation.js';
export { DepthwiseConv2D, type DepthwiseConv2DArgs } from '../nn/layers/depthwise-conv2d.js';
export { Dropout, type DropoutArgs } from '../nn/layers/dropout.js';
export { Embedding, type EmbeddingArgs } from '../nn/layers/embedding.js';
export {
  BatchNormalization, type BatchNormalizationArgs, LayerNormalization, type LayerNormalizationArgs,
} from '../nn/layers/normalization.js';
export { AveragePooling2D, type AveragePooling2DArgs, GlobalAveragePooling2D, GlobalMaxPooling2D } from '../nn/layers/average-pooling.js';
export { Reshape, type ReshapeArgs } from '../nn/layers/reshape.js';
