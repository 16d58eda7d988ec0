/**
 * The Backend contract: memory plus an exhaustive, typed kernel table.
 *
 * Everything above this file (tensors, ops, autograd, layers) talks to a backend
 * only through `Backend`. A backend owns opaque storage `S` (a typed array on the
 * CPU, a buffer range on WebGPU) and implements every kernel named in
 * `KernelSignatures`. `KernelTable<S>` maps every kernel name to an implementation,
 * so a backend that lacks a kernel fails to compile rather than at run time.
 *
 * Kernels never validate user input: ops do that (with errors that name the op
 * and the shapes) and hand kernels resolved geometry, so no backend re-derives
 * padding or output shapes. Kernels may be asynchronous underneath (WebGPU
 * records dispatches and submits later); only `read` waits.
 */

export type DType = 'float32' | 'float64' | 'int32';
export type FloatDType = 'float32' | 'float64';
export type Shape = readonly number[];
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** An array living on a backend: storage plus how to read it. */
export interface TensorData<S = unknown> {
  readonly storage: S;
  readonly shape: Shape;
  readonly dtype: DType;
}

export type Padding = 'valid' | 'same';

/** Everything a conv kernel needs, resolved once by `ops/geometry.ts`. NHWC input, HWIO filter. */
export interface Conv2DGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** Everything a pooling kernel needs, resolved once by `ops/geometry.ts`. NHWC. */
export interface Pool2DGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly channels: number;
  readonly outH: number;
  readonly outW: number;
  readonly poolH: number;
  readonly poolW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

export type UnaryOp = 'neg' | 'exp' | 'log' | 'relu';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

// ---- The op families of issue 13 (engine/ops/*.ts; CPU in cpu/*.ts, WGSL in shaders/*.wgsl).

/**
 * Element-wise math and activations (`unaryMath`), each with a derivative (`unaryMathBackward`).
 * `alpha` is leakyRelu's slope and elu's scale; clip uses [alpha, beta] as [min, max].
 */
export type UnaryMathOp =
  | 'sqrt' | 'rsqrt' | 'square' | 'abs' | 'sign' | 'sigmoid' | 'tanh' | 'geluTanh' | 'geluErf'
  | 'softplus' | 'leakyRelu' | 'elu' | 'clip';
/** Float binary ops with broadcasting; sigmoidCrossEntropy is max(a,0) - a*b + log(1+exp(-|a|)) (a logits, b labels). */
export type BinaryMathOp = 'pow' | 'maximum' | 'minimum' | 'squaredDifference' | 'sigmoidCrossEntropy';
/** Comparisons return int32 0/1 (there is no bool dtype). */
export type CompareOp = 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';
/** Reductions over any axes; argmax/argmin give int32 indices into the (row-major) reduced block, first extreme wins. */
export type ReduceOp = 'max' | 'min' | 'logSumExp' | 'argmax' | 'argmin';

/**
 * One output axis of `copyIndexMap`: the input coordinate is start + c * step for output
 * coordinate c, taken modulo inDim when `wrap`; outside [0, inDim) the output is the pad value.
 */
export interface IndexMapAxis {
  readonly start: number;
  readonly step: number;
  readonly inDim: number;
  readonly inStride: number;
  readonly wrap: boolean;
}

/** A gather by index map: transpose, slice, pad, tile and broadcastTo are all one of these (ops/index-map.ts). */
export interface IndexMap {
  readonly outShape: Shape;
  readonly axes: readonly IndexMapAxis[];
  /** Written where an axis's input coordinate falls outside the input (constant padding). */
  readonly padValue: number;
}

/** A convolution with dilation and groups: Conv2DGeometry plus these; the filter is [kH, kW, inC / groups, outC]. */
export interface GroupedConv2DGeometry extends Conv2DGeometry {
  readonly dilationH: number;
  readonly dilationW: number;
  readonly groups: number;
}

/**
 * What every optimizer update shares (Keras 3's decoupled weight decay): before the update,
 * w -= decay * w, with decay = learningRate * weightDecay computed on the host (0: none).
 */
export interface DecayScalars {
  readonly decay: number;
}

/** One batch's augmentation, resolved by engine/ops/augment.ts (engine/backends/cpu/augment.ts states the draws). */
export interface AugmentParams {
  /** u32 key of the per-sample draws (shift, flip, angle, brightness, cutout centre). */
  readonly sampleKey: number;
  /** u32 key of the per-element noise. */
  readonly noiseKey: number;
  /** Shifts are integers in [-maxShift, maxShift] pixels, per axis. */
  readonly maxShift: number;
  /** Flip horizontally with probability 1/2. */
  readonly flip: boolean;
  /** Angles are uniform in [-maxRotation, maxRotation] radians. */
  readonly maxRotation: number;
  /** Offsets are uniform in [-brightness, brightness]. */
  readonly brightness: number;
  /** Standard deviation of the (Irwin-Hall, 4 uniforms) noise. */
  readonly noise: number;
  /** Side in pixels of the square cut out (set to 0) of each image, at a uniform centre; 0: none. */
  readonly cutout: number;
}

/** One Adam step's scalars, computed on the host (Keras semantics, see optim/adam.ts). */
export interface AdamStepScalars extends DecayScalars {
  /** lr * sqrt(1 - beta2^t) / (1 - beta1^t) */
  readonly stepSize: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/** One SGD step (optim/sgd.ts): velocity = momentum*velocity - lr*g; w += velocity (Nesterov: w += momentum*velocity - lr*g). */
export interface SgdStepScalars extends DecayScalars {
  readonly learningRate: number;
  /** 0: plain SGD, and the kernel gets no velocity buffer. */
  readonly momentum: number;
  readonly nesterov: boolean;
}

/** One RMSprop step (optim/rmsprop.ts, Keras 3: epsilon inside the square root). */
export interface RmspropStepScalars extends DecayScalars {
  readonly learningRate: number;
  readonly rho: number;
  /** 0: no momentum buffer. */
  readonly momentum: number;
  readonly epsilon: number;
  /** Divide by the variance (velocity - average^2) instead of the second moment. */
  readonly centered: boolean;
}

/** One Adagrad step (optim/adagrad.ts): acc += g^2; w -= lr * g / sqrt(acc + epsilon). */
export interface AdagradStepScalars extends DecayScalars {
  readonly learningRate: number;
  readonly epsilon: number;
}

/**
 * Every kernel, with its meaning. `T` is the backend's TensorData. Float inputs
 * share one dtype; the output has that dtype unless stated.
 */
export interface KernelSignatures<T> extends OpFamilySignatures<T> {
  /** Element-wise y = op(x). */
  unary(x: T, op: UnaryOp): T;
  /** y = x * factor. */
  scale(x: T, factor: number): T;
  /** Element-wise with NumPy broadcasting of `a` and `b` to `outShape` (computed by the op). */
  binary(a: T, b: T, op: BinaryOp, outShape: Shape): T;
  /** dx = dy where y > 0, else 0 (y is relu's output). */
  reluBackward(dy: T, y: T): T;
  /** Sum over `axes` (sorted, unique); the output has `outShape` (reduced axes removed or kept as 1). */
  sum(x: T, axes: readonly number[], outShape: Shape): T;
  /** Index of the first maximum along the last axis; int32, shape = x.shape without the last axis. */
  argmax(x: T): T;
  /** Number of rows whose first-maximum logit index equals the label; int32 scalar. logits [N, C], labels int32 [N]. */
  countCorrect(logits: T, labels: T): T;
  /** C = op(A) · op(B) for 2-D A, B; op transposes when the flag is set. */
  matmul(a: T, b: T, transposeA: boolean, transposeB: boolean): T;
  /** NHWC x, HWIO w, optional bias [outC]; relu applied after bias when `relu`. */
  conv2d(x: T, w: T, bias: T | null, geometry: Conv2DGeometry, relu: boolean): T;
  /** dL/dx [batch, inH, inW, inC] from dy [batch, outH, outW, outC] and w. */
  conv2dBackpropInput(dy: T, w: T, geometry: Conv2DGeometry): T;
  /** dL/dw [kH, kW, inC, outC] from x and dy. */
  conv2dBackpropFilter(x: T, dy: T, geometry: Conv2DGeometry): T;
  /** y and, per output, the flat NHWC index (int32) of the first maximum of its window in x. */
  maxPool2d(x: T, geometry: Pool2DGeometry): { y: T; argmax: T };
  /** dx: each dy goes to the input position recorded in argmax (summed where windows overlap). */
  maxPool2dBackward(dy: T, argmax: T, geometry: Pool2DGeometry): T;
  /** Softmax over the last axis. */
  softmax(x: T): T;
  /** Log-softmax over the last axis, computed stably. */
  logSoftmax(x: T): T;
  /**
   * Sparse softmax cross-entropy from logits [N, C] and int32 labels [N]:
   * loss is the scalar mean over the batch; probs [N, C] are kept for backward.
   */
  softmaxCrossEntropy(logits: T, labels: T): { loss: T; probs: T };
  /** dlogits = (probs - onehot(labels)) * dLoss / N, dLoss a scalar tensor. */
  softmaxCrossEntropyBackward(probs: T, labels: T, dLoss: T): T;
  /** In place, over flat tensors of equal length: Keras Adam (see AdamStepScalars). */
  adam(param: T, grad: T, m: T, v: T, scalars: AdamStepScalars): void;
  /** In place: Keras SGD; `velocity` is null exactly when scalars.momentum is 0. */
  sgd(param: T, grad: T, velocity: T | null, scalars: SgdStepScalars): void;
  /** In place: Keras RMSprop; `momentum` is null when scalars.momentum is 0, `average` when not centered. */
  rmsprop(param: T, grad: T, velocity: T, momentum: T | null, average: T | null, scalars: RmspropStepScalars): void;
  /** In place: Keras Adagrad (the accumulator starts at initialAccumulatorValue, set by the optimizer). */
  adagrad(param: T, grad: T, accumulator: T, scalars: AdagradStepScalars): void;
  /**
   * In place: grad *= clipNorm / sqrt(normSquared[0]) where that root exceeds clipNorm, else unchanged
   * (Keras's global_clipnorm; normSquared is a one-element tensor on the device, so nothing is read back).
   */
  clipByGlobalNorm(grad: T, normSquared: T, clipNorm: number): void;
  /** Copies src's elements into dst (same size; dst is often a view into a flat buffer). */
  copyInto(src: T, dst: T): void;
}

/**
 * The op families added for the general engine (issue 13), part of every backend's table.
 * Kept as their own interface so a backend can build them in a file of their own
 * (cpu/op-family-kernels.ts, webgpu/op-family-kernels.ts). Float kernels keep their input's dtype.
 */
export interface OpFamilySignatures<T> {
  /** y = op(x) element-wise (see UnaryMathOp for alpha and beta). */
  unaryMath(x: T, op: UnaryMathOp, alpha: number, beta: number): T;
  /** dx = dy * op'(x), element-wise. */
  unaryMathBackward(dy: T, x: T, op: UnaryMathOp, alpha: number, beta: number): T;
  /** out = a op b with NumPy broadcasting to `outShape`. */
  binaryMath(a: T, b: T, op: BinaryMathOp, outShape: Shape): T;
  /** int32 0/1 of a op b, broadcast to `outShape`; a and b share a dtype (float or int32). */
  compare(a: T, b: T, op: CompareOp, outShape: Shape): T;
  /** cond (int32, nonzero = true) ? a : b, all three broadcast to `outShape`; a and b share a dtype, the output's. */
  where(cond: T, a: T, b: T, outShape: Shape): T;
  /** Converts to `dtype`; float to int32 truncates toward zero. */
  cast(x: T, dtype: DType): T;
  /** out[c] = x[Σ inCoord_d(c_d) * inStride_d] per IndexMap (any dtype). */
  copyIndexMap(x: T, map: IndexMap): T;
  /** Concatenation along `axis`; every input has outShape except along axis; one dtype. */
  concat(xs: readonly T[], axis: number, outShape: Shape): T;
  /** Reduction over `axes` (sorted, unique); `outShape` as for sum. Arg ops give int32. */
  reduce(x: T, op: ReduceOp, axes: readonly number[], outShape: Shape): T;
  /** Mean and (biased) variance over `axes`, two passes per output; both of `outShape`. */
  moments(x: T, axes: readonly number[], outShape: Shape): { mean: T; variance: T };
  /** a [...batchA, M, K] · b [...batchB, K, N] (op transposes the last two axes when set); batch axes broadcast to outShape's. */
  batchMatmul(a: T, b: T, transposeA: boolean, transposeB: boolean, outShape: Shape): T;
  /** Average pooling over NHWC windows; the average is over the taps inside the input (TensorFlow's 'same'). */
  avgPool2d(x: T, geometry: Pool2DGeometry): T;
  /** dx: each dy spread evenly over the taps of its window that lie inside the input. */
  avgPool2dBackward(dy: T, geometry: Pool2DGeometry): T;
  /** Grouped, dilated conv: NHWC x, filter [kH, kW, inC/groups, outC]; group g maps input channels g*inC/groups.. to outputs g*outC/groups.. */
  conv2dGrouped(x: T, w: T, geometry: GroupedConv2DGeometry): T;
  conv2dGroupedBackpropInput(dy: T, w: T, geometry: GroupedConv2DGeometry): T;
  conv2dGroupedBackpropFilter(x: T, dy: T, geometry: GroupedConv2DGeometry): T;
  /** y = (x - mean) / sqrt(variance + epsilon) * scale + offset; mean, variance, scale, offset are [C], C = x's last axis. */
  batchNorm(x: T, mean: T, variance: T, scale: T, offset: T, epsilon: number): T;
  /**
   * Gradients of batchNorm over rows [R, C] (R = every axis but the last). dScale = Σ dy·x̂,
   * dOffset = Σ dy. dx treats mean/variance as the batch's own statistics when `training`
   * (dx = scale·rstd/R · (R·dy − Σdy − x̂·Σdy·x̂)), as constants otherwise (dx = dy·scale·rstd).
   */
  batchNormBackward(dy: T, x: T, mean: T, variance: T, scale: T, epsilon: number, training: boolean): { dx: T; dScale: T; dOffset: T };
  /**
   * Layer norm over the last axis: y = (x - mean_r) * rstd_r * scale + offset. `stats`
   * [...rows, 2] keeps (mean_r, rstd_r) per row for the backward kernel.
   */
  layerNorm(x: T, scale: T, offset: T, epsilon: number): { y: T; stats: T };
  layerNormBackward(dy: T, x: T, stats: T, scale: T): { dx: T; dScale: T; dOffset: T };
  /**
   * Inverted dropout: y = x / (1 - rate) where keep(seed, i), else 0. keep is a counter-based hash
   * of (seed, flat index) compared with rate as a 32-bit threshold: every backend gives the same mask.
   */
  dropout(x: T, rate: number, seed: number): T;
  /**
   * Data augmentation of NHWC images [N, H, W, C] (AugmentParams; engine/ops/augment.ts): per sample
   * a shift, flip and rotation (inverse-mapped, bilinear, zeros outside), then a cutout square of
   * zeros, then a brightness offset,
   * then per-element noise. Every draw is a counter-based hash of (key, sample or element index).
   */
  augment(x: T, params: AugmentParams): T;
  /** [...indices.shape, depth] float of `dtype`: onValue at the index, offValue elsewhere (out-of-range indices: all off). */
  oneHot(indices: T, depth: number, onValue: number, offValue: number, dtype: DType): T;
  /** x.shape[:axis] + indices.shape + x.shape[axis+1:]; indices int32; an out-of-range index gives zeros. */
  gather(x: T, indices: T, axis: number): T;
  /** dx of xShape: the sum of the dy rows that gathered each row, found by a pass over the indices (deterministic, no atomics). */
  gatherBackward(dy: T, indices: T, axis: number, xShape: Shape): T;
  /**
   * Per-row softmax cross-entropy from logits [N, C] and int32 labels [N], with label smoothing:
   * the target is (1-s)·onehot + s/C. (Class weights are the op's: it scales the rows.)
   */
  softmaxCrossEntropyRows(logits: T, labels: T, labelSmoothing: number): { rowLoss: T; probs: T };
  /** dlogits = dRowLoss[r] · (probs - target). */
  softmaxCrossEntropyRowsBackward(probs: T, labels: T, labelSmoothing: number, dRowLoss: T): T;
}

export type KernelName = keyof KernelSignatures<unknown>;
export type OpFamilyKernelName = keyof OpFamilySignatures<unknown>;

/** What a backend must provide: every kernel, typed against its own storage. */
export type KernelTable<S> = { [K in KernelName]: KernelSignatures<TensorData<S>>[K] };
/** The op-family part of a backend's table. */
export type OpFamilyTable<S> = { [K in OpFamilyKernelName]: OpFamilySignatures<TensorData<S>>[K] };

export interface MemoryInfo {
  /** Bytes held by live tensors. */
  readonly usedBytes: number;
  /** Bytes the backend has allocated (used plus pooled for reuse). */
  readonly allocatedBytes: number;
  /** High-water mark of usedBytes (since creation or the backend's resetPeakMemory()). */
  readonly peakUsedBytes?: number;
  /** High-water mark of allocatedBytes, where the backend knows it (the WebGPU pool). */
  readonly peakAllocatedBytes?: number;
}

export interface Backend<S = unknown> {
  /** 'cpu' or 'webgpu'. */
  readonly name: string;
  /** The float type of the tensors this backend makes (float64 only on the CPU, for gradient checks). */
  readonly floatDType: FloatDType;
  readonly kernels: KernelTable<S>;
  /** Copies host values into a new array. */
  upload(values: ArrayLike<number>, shape: Shape, dtype: DType): TensorData<S>;
  /** A new array filled with `value`. */
  fill(shape: Shape, dtype: DType, value: number): TensorData<S>;
  /** A zero-copy view of `count` elements starting at element `offset` of `t`, given `shape`. */
  view(t: TensorData<S>, offset: number, shape: Shape): TensorData<S>;
  /** Reads an array back to the host (waits for pending GPU work). */
  read(t: TensorData<S>): Promise<TypedArray>;
  /** Synchronous read into a new host array (never the live storage), where the backend can (the CPU); otherwise undefined. */
  readSync?(t: TensorData<S>): TypedArray;
  /** Returns storage made by upload/fill/a kernel to the backend. Views are never released. */
  release(storage: S): void;
  /** Sends recorded work to the device (a no-op on the CPU). */
  flush(): void;
  memory(): MemoryInfo;
  /** A line describing the device, for logs and reports. */
  describe(): string;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}
