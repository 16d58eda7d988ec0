/// <reference types="@webgpu/types" preserve="true" />
/**
 * The package's main entry (`webgpu-tensor-engine`, and the single-file dist/engine.min.js):
 * tensors, autodiff, the ops the tutorial CNN uses, layers, `Sequential`, Adam, `init` and both
 * backends. The wider op families, fromPixels, custom kernels and the GPU profiler are subpaths
 * (engine/entries/*.ts), so a page that loads the main bundle alone does not pay for them.
 * engine/index.ts re-exports all of it for the repository's own code; test/bundle-size.test.ts
 * checks that the entries together export exactly what engine/index.ts does.
 * @module webgpu-tensor-engine
 */
export type {
  Backend, DType, FloatDType, Shape, TensorData, TypedArray, KernelName, KernelSignatures, KernelTable,
  Conv2DGeometry, Pool2DGeometry, Padding, MemoryInfo,
  OpFamilySignatures, UnaryMathOp, BinaryMathOp, CompareOp, ReduceOp, IndexMap, IndexMapAxis, GroupedConv2DGeometry,
  UnaryOp, BinaryOp, AdamStepScalars,
} from '../backends/backend.js';
export { Tensor, tensor, scalar, zeros, ones, full, variable } from '../tensor.js';
export { setBackend, getBackend, noGrad, tidy, keep } from '../runtime.js';
export { backward, gradients, grad, valueAndGrad, type GradientOptions } from '../autograd.js';
export { add, sub, mul, div } from '../ops/binary.js';
export { neg, exp, log, scale } from '../ops/unary.js';
export { relu } from '../ops/relu.js';
export { sum, mean } from '../ops/reduce.js';
export { argmax, countCorrect } from '../ops/argmax.js';
export { reshape, flatten } from '../ops/reshape.js';
export { matmul, dense } from '../ops/matmul.js';
export { conv2d, type Conv2DOptions } from '../ops/conv2d.js';
export { maxPool2d, type MaxPool2DOptions } from '../ops/maxpool2d.js';
export { softmax, logSoftmax } from '../ops/softmax.js';
export { sparseSoftmaxCrossEntropy } from '../ops/cross-entropy.js';
export { CpuBackend } from '../backends/cpu/cpu-backend.js';
export { Random } from '../random.js';
// The tutorial's layers from their own files (the layers index would bring every layer).
export { Layer, type Activation, type WeightSpec } from '../nn/layers/base.js';
export { Conv2D, type Conv2DArgs } from '../nn/layers/conv2d.js';
export { MaxPooling2D, type MaxPooling2DArgs, type Pooling2DArgs } from '../nn/layers/pooling.js';
export { Flatten } from '../nn/layers/flatten.js';
export { Dense, type DenseArgs } from '../nn/layers/dense.js';
export { CallContext, INFERENCE, type CallContextOptions } from '../nn/call-context.js';
export type { Regularizer } from '../nn/regularizers.js';
export type { Initializer } from '../nn/initializers.js';
export { Sequential, type SequentialOptions, type ModelWeight } from '../nn/sequential.js';
export { ParameterStore, type Parameter, type ParameterSpec } from '../nn/parameter-store.js';
export { trainStep } from '../nn/train-step.js';
export { Adam, type AdamOptions } from '../optim/adam.js';
export {
  History, EarlyStopping, TerminateOnNaN, NonFiniteLossError, type Callback, type BatchLogs, type EpochLogs, type EarlyStoppingOptions,
  type TrainingContext, type MetricName,
} from '../nn/callbacks.js';
export { type HostData, type FitOptions, type CompileOptions, type ProgressReporter, lineReporter } from '../nn/training.js';
export { init, type InitOptions, type BackendChoice } from '../init.js';
export { WebGPUBackend, DEFAULT_TILING, type GPUStorage, type Tiling, type WebGPUBackendOptions } from '../backends/webgpu/webgpu-backend.js';
