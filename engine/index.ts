/// <reference types="@webgpu/types" preserve="true" />
/**
 * Everything the engine exports, in one module: what the repository's own code imports, and
 * what dist/engine-all.min.js bundles. The package splits it into entries (engine/entries/*.ts:
 * the main entry and the subpaths ./nn, ./cpu, ./ops, ./layers, ./pixels, ./kernels, ./profiler); an export added here
 * goes into one of them too (test/bundle-size.test.ts checks). Node-only code lives outside engine/.
 */
export type {
  Backend, DType, FloatDType, Shape, TensorData, TypedArray, KernelName, KernelSignatures, KernelTable,
  Conv2DGeometry, Pool2DGeometry, Padding, MemoryInfo,
  OpFamilySignatures, UnaryMathOp, BinaryMathOp, CompareOp, ReduceOp, IndexMap, IndexMapAxis, GroupedConv2DGeometry,
} from './backends/backend.js';
export { Tensor, tensor, scalar, zeros, ones, full, variable } from './tensor.js';
export { setBackend, getBackend, noGrad, tidy, keep } from './runtime.js';
export { backward, gradients, grad, valueAndGrad } from './autograd.js';
export { add, sub, mul, div } from './ops/binary.js';
export { neg, exp, log, scale } from './ops/unary.js';
export { relu } from './ops/relu.js';
export { sum, mean } from './ops/reduce.js';
export { argmax, countCorrect } from './ops/argmax.js';
export { reshape, flatten } from './ops/reshape.js';
export { matmul, dense } from './ops/matmul.js';
export { conv2d, type Conv2DOptions } from './ops/conv2d.js';
export { maxPool2d, type MaxPool2DOptions } from './ops/maxpool2d.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { sparseSoftmaxCrossEntropy, type SparseSoftmaxCrossEntropyOptions } from './ops/cross-entropy.js';
export { augment, type Augmentation, type AugmentKey } from './ops/augment.js';
export { fromPixels, type FromPixelsOptions, type PixelSource, type RawPixels } from './ops/from-pixels.js';
// The op families of issue 13 (README, "Ops").
export { sqrt, rsqrt, square, abs, sign, clip } from './ops/math.js';
export { sigmoid, tanh, gelu, softplus, leakyRelu, elu, type GeluOptions } from './ops/activations.js';
export { pow, maximum, minimum, squaredDifference } from './ops/binary-math.js';
export { equal, notEqual, less, lessEqual, greater, greaterEqual } from './ops/compare.js';
export { where } from './ops/where.js';
export { cast } from './ops/cast.js';
export { transpose, slice, pad, tile, broadcastTo, squeeze, expandDims } from './ops/shape.js';
export { concat, stack } from './ops/concat.js';
export { gather } from './ops/gather.js';
export { max, min, logSumExp, moments, variance, argmin } from './ops/reductions.js';
export { batchMatmul } from './ops/batch-matmul.js';
export { avgPool2d, globalAvgPool2d, globalMaxPool2d, type AvgPool2DOptions } from './ops/pooling.js';
export {
  groupedConv2d, depthwiseConv2d, conv2dTranspose,
  type GroupedConv2DOptions, type DepthwiseConv2DOptions, type Conv2DTransposeOptions,
} from './ops/conv-variants.js';
export { batchNorm, batchNormTraining, layerNorm, type NormOptions, type BatchNormOptions } from './ops/normalization.js';
export { dropout } from './ops/dropout.js';
export { oneHot } from './ops/one-hot.js';
export { softmaxCrossEntropy, sigmoidCrossEntropy, meanSquaredError, type SoftmaxCrossEntropyOptions } from './ops/losses.js';
export { CpuBackend, type CpuBackendOptions, type CpuGemm } from './backends/cpu/cpu-backend.js';
export { Random } from './random.js';
export {
  Layer, Conv2D, MaxPooling2D, Flatten, Dense, type Activation, ActivationLayer, AveragePooling2D, BatchNormalization, DepthwiseConv2D,
  Dropout, Embedding, GlobalAveragePooling2D, GlobalMaxPooling2D, LayerNormalization, Reshape, ACTIVATION_NAMES, activate, checkActivation,
  registerActivations,
} from './nn/layers.js';
export { Sequential } from './nn/sequential.js';
export { CallContext, INFERENCE, type CallContextOptions } from './nn/call-context.js';
export { type Regularizer } from './nn/regularizers.js';
// The functional API (README, "Functional models").
export { input, InputLayer, type InputArgs } from './nn/functional/input.js';
export { SymbolicTensor, type LayerNode } from './nn/functional/symbolic.js';
export { Model, type ModelArgs, type ModelLayerRow } from './nn/functional/model.js';
export type { TrainableModel } from './nn/trainable-model.js';
export { MultiInputLayer } from './nn/layers/multi-input-layer.js';
export { Add } from './nn/layers/add.js';
export { Concatenate, type ConcatenateArgs } from './nn/layers/concatenate.js';
export { MultiHeadAttention, type MultiHeadAttentionArgs } from './nn/layers/multi-head-attention.js';
export { PositionEmbedding, type PositionEmbeddingArgs } from './nn/layers/position-embedding.js';
export { ParameterStore } from './nn/parameter-store.js';
export { trainStep } from './nn/train-step.js';
export { Adam, AdamW, type AdamOptions } from './optim/adam.js';
export { SGD, type SgdOptions } from './optim/sgd.js';
export { RMSprop, type RmspropOptions } from './optim/rmsprop.js';
export { Adagrad, type AdagradOptions } from './optim/adagrad.js';
export { type Optimizer, type OptimizerState, type OptimizerConfig, type OptimizerBaseOptions, FlatOptimizer } from './optim/optimizer.js';
export { getOptimizer, optimizerFromConfig, OPTIMIZER_NAMES, type OptimizerName } from './optim/registry.js';
export {
  LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, CosineDecay, scheduleFromRecord,
  type ExponentialDecayOptions, type PiecewiseConstantDecayOptions, type CosineDecayOptions, type ScheduleRecord,
} from './optim/schedules.js';
export {
  History, EarlyStopping, TerminateOnNaN, NonFiniteLossError, type Callback, type BatchLogs, type EpochLogs, type EarlyStoppingOptions,
  ReduceLROnPlateau, type ReduceLROnPlateauOptions,
} from './nn/callbacks.js';
export { type HostData, type FitOptions, type CompileOptions, type ProgressReporter, lineReporter } from './nn/training.js';
export { init, type InitOptions, type BackendChoice } from './init.js';
export { WebGPUBackend, DEFAULT_TILING, type GPUStorage, type Tiling, type WebGPUBackendOptions } from './backends/webgpu/webgpu-backend.js';
export { GpuProfiler, type DispatchRecord, type TimingSource } from './backends/webgpu/profiler.js';
export { defineKernel, checkKernelParity, type CustomKernel, type KernelDefinition, type KernelParityOptions, type KernelParityReport } from './kernels/index.js';
// Types of the API's arguments and results, for TypeScript users (and the API reference).
export type {
  Conv2DArgs, MaxPooling2DArgs, DenseArgs, WeightSpec, ActivationArgs, AveragePooling2DArgs, BatchNormalizationArgs, DepthwiseConv2DArgs,
  DropoutArgs, EmbeddingArgs, LayerNormalizationArgs, ReshapeArgs, Pooling2DArgs,
} from './nn/layers.js';
export type { Initializer } from './nn/initializers.js';
export type { SequentialOptions, ModelWeight } from './nn/sequential.js';
export type { TrainingContext, MetricName, MetricsReadLogs } from './nn/callbacks.js';
export type { GradientOptions } from './autograd.js';
export type { Parameter, ParameterSpec } from './nn/parameter-store.js';
export type { UnaryOp, BinaryOp, AdamStepScalars, SgdStepScalars, RmspropStepScalars, AdagradStepScalars, DecayScalars, AugmentParams } from './backends/backend.js';
