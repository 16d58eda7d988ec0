/// <reference types="@webgpu/types" preserve="true" />
/**
 * The package's main entry (`webgpu-tensor-engine`, and the single-file dist/engine.min.js): the
 * core every experiment needs, and no more. Tensors, autodiff (`gradients`, `grad`,
 * `valueAndGrad`), `tidy`/`noGrad`, the ops the tutorial CNN uses (with the cross-entropy), `init`, and the WebGPU backend with its whole kernel table and every kernel's
 * WGSL. With these alone a page runs any model written with the ops, forward and backward.
 *
 * What is elsewhere, and why (issue 10's budget: at most 80 kB of minified JavaScript here):
 * - the CPU backend (./cpu, dist/engine-cpu.min.js: its kernels, the WebAssembly GEMM and its
 *   threads) is loaded by `init` itself when it needs it (backend 'cpu', 'auto', no WebGPU; fit's
 *   onDeviceLost: 'cpu'), so a page on WebGPU never downloads it, and `init({ backend: 'cpu' })`
 *   still works from this entry alone. Both backends keep their exhaustive kernel tables;
 * - training (./nn: layers, Sequential, fit, callbacks, optimizers, schedules, and the data
 *   augmentation of fit's `augment` option) is a subpath:
 *   a page that computes with the ops, or trains with its own loop, does not pay for it;
 * - the wider op families (./ops), the other layers and the functional API (./layers),
 *   fromPixels (./pixels), custom kernels (./kernels), the profiler (./profiler) and the
 *   TensorFlow.js format (./tfjs-format) are subpaths too.
 * All subpaths share this entry's tensors and current backend (engine/entries/*.ts).
 * engine/index.ts re-exports all of it for the repository's own code; test/bundle-size.test.ts
 * checks that the entries together export exactly what engine/index.ts does, and holds the budget.
 * @module webgpu-tensor-engine
 */
export type {
  Backend, DType, FloatDType, Shape, TensorData, TypedArray, KernelName, KernelSignatures, KernelTable,
  Conv2DGeometry, Pool2DGeometry, Padding, MemoryInfo,
  OpFamilySignatures, UnaryMathOp, BinaryMathOp, CompareOp, ReduceOp, IndexMap, IndexMapAxis, GroupedConv2DGeometry,
  UnaryOp, BinaryOp, AdamStepScalars, SgdStepScalars, RmspropStepScalars, AdagradStepScalars, DecayScalars, AugmentParams,
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
export { sparseSoftmaxCrossEntropy, type SparseSoftmaxCrossEntropyOptions } from '../ops/cross-entropy.js';
export { Random } from '../random.js';
export { init, type InitOptions, type BackendChoice } from '../init.js';
export { WebGPUBackend, DEFAULT_TILING, type GPUStorage, type Tiling, type WebGPUBackendOptions } from '../backends/webgpu/webgpu-backend.js';
