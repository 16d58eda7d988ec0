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

/** One Adam step's scalars, computed on the host (Keras semantics, see optim/adam.ts). */
export interface AdamStepScalars {
  /** lr * sqrt(1 - beta2^t) / (1 - beta1^t) */
  readonly stepSize: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/**
 * Every kernel, with its meaning. `T` is the backend's TensorData. Float inputs
 * share one dtype; the output has that dtype unless stated.
 */
export interface KernelSignatures<T> {
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
  /** Copies src's elements into dst (same size; dst is often a view into a flat buffer). */
  copyInto(src: T, dst: T): void;
}

export type KernelName = keyof KernelSignatures<unknown>;

/** What a backend must provide: every kernel, typed against its own storage. */
export type KernelTable<S> = { [K in KernelName]: KernelSignatures<TensorData<S>>[K] };

export interface MemoryInfo {
  /** Bytes held by live tensors. */
  readonly usedBytes: number;
  /** Bytes the backend has allocated (used plus pooled for reuse). */
  readonly allocatedBytes: number;
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
