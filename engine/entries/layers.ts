/**
 * `webgpu-tensor-engine/layers`: the layers of issue 14 beyond the tutorial CNN's (README,
 * "Layers"), and the activations beyond linear, relu and softmax for every layer (importing this
 * entry registers them, through ActivationLayer). They build on the op families of ./ops, and work in ./nn's
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
// The functional API (README, "Functional models"): input(), Model, and the layers of several inputs.
export { input, InputLayer, type InputArgs } from '../nn/functional/input.js';
export { Model, type ModelArgs, type ModelLayerRow } from '../nn/functional/model.js';
export { MultiInputLayer } from '../nn/layers/multi-input-layer.js';
export { Add } from '../nn/layers/add.js';
export { Concatenate, type ConcatenateArgs } from '../nn/layers/concatenate.js';
export { MultiHeadAttention, type MultiHeadAttentionArgs } from '../nn/layers/multi-head-attention.js';
export { PositionEmbedding, type PositionEmbeddingArgs } from '../nn/layers/position-embedding.js';
