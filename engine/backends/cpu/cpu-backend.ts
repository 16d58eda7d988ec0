/**
 * The CPU backend: storage is a typed array (Float32Array or Float64Array for
 * floats, Int32Array for int32), views are zero-copy `subarray`s, and every
 * kernel is plain single-threaded JavaScript. It is the numerical reference of
 * the engine (run in float64 for gradient checks) and a usable trainer: matrix
 * products and convolutions go through one blocked GEMM (gemm.ts).
 *
 * This file only maps TensorData to arrays and allocates outputs; the kernels
 * live in one file per concept next to it.
 *
 * Memory: large arrays (POOL_MIN_ELEMENTS and up) released by tensors go to a
 * free list keyed by dtype and length and are reused (zeroed) by the next
 * allocation of that size. A training step allocates the same shapes every
 * step, and touching fresh memory (page faults) costs more than the kernels'
 * own passes over it. Small arrays are left to the garbage collector.
 */
import type {
  Backend, DType, FloatDType, KernelTable, MemoryInfo, Shape, TensorData, TypedArray,
} from '../backend.js';
import { sizeOf } from '../backend.js';
import { adam } from './adam.js';
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dForward } from './conv2d.js';
import { binary, reluBackward, scale, unary } from './elementwise.js';
import { gemm, transposeInto, type FloatArray } from './gemm.js';
import { maxPool2d, maxPool2dBackward } from './pool.js';
import { opFamilyKernels } from './op-family-kernels.js';
import { argmax, countCorrect, sum } from './reduce.js';
import { scratch } from './scratch.js';
import { logSoftmax, softmax, softmaxCrossEntropy, softmaxCrossEntropyBackward } from './softmax.js';

type T = TensorData<TypedArray>;

/** Arrays of at least this many elements are pooled on release (256 KiB of float32). */
const POOL_MIN_ELEMENTS = 1 << 16;
/** The pool keeps at most this many bytes; beyond it released arrays go to the garbage collector. */
const POOL_MAX_BYTES = 512 * 1024 * 1024;

function newArray(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
  }
}

/** newArray, with the engine's error (not a bare RangeError) when the memory is not there. */
function allocate(dtype: DType, n: number, shape: Shape): TypedArray {
  try {
    return newArray(dtype, n);
  } catch (e) {
    const bytes = n * (dtype === 'float64' ? 8 : 4);
    throw new Error(`cpu: cannot allocate a ${dtype} array of shape [${shape}] (${n} elements, ${(bytes / 2 ** 30).toFixed(2)} GiB): ${(e as Error).message}`);
  }
}

function floatOf(t: T): FloatArray {
  return t.storage as FloatArray;
}

function intOf(t: T): Int32Array {
  return t.storage as Int32Array;
}

export class CpuBackend implements Backend<TypedArray> {
  readonly name = 'cpu';
  readonly kernels: KernelTable<TypedArray>;
  private liveBytes = 0;
  private pooledBytes = 0;
  private readonly pool = new Map<string, TypedArray[]>();

  constructor(readonly floatDType: FloatDType = 'float32') {
    if (floatDType !== 'float32' && floatDType !== 'float64') {
      throw new Error(`CpuBackend: floatDType must be 'float32' or 'float64', got '${floatDType as string}'`);
    }
    this.kernels = this.makeKernels();
  }

  /** A new zeroed array, counted as live. */
  private alloc(shape: Shape, dtype: DType): T {
    const n = sizeOf(shape);
    let storage: TypedArray | undefined;
    if (n >= POOL_MIN_ELEMENTS) {
      storage = this.pool.get(`${dtype}:${n}`)?.pop();
      if (storage) {
        this.pooledBytes -= storage.byteLength;
        storage.fill(0);
      }
    }
    storage ??= allocate(dtype, n, shape);
    this.liveBytes += storage.byteLength;
    return { storage, shape: [...shape], dtype };
  }

  /** A new zeroed float array of t's dtype. */
  private like(t: T, shape: Shape): T {
    return this.alloc(shape, t.dtype);
  }

  upload(values: ArrayLike<number>, shape: Shape, dtype: DType): T {
    const t = this.alloc(shape, dtype);
    t.storage.set(values as ArrayLike<number>);
    return t;
  }

  fill(shape: Shape, dtype: DType, value: number): T {
    const t = this.alloc(shape, dtype);
    if (value !== 0) t.storage.fill(value);
    return t;
  }

  view(t: T, offset: number, shape: Shape): T {
    const n = sizeOf(shape);
    if (offset < 0 || offset + n > t.storage.length) {
      throw new Error(`cpu view: ${n} elements at offset ${offset} exceed the ${t.storage.length} elements of the array`);
    }
    return { storage: t.storage.subarray(offset, offset + n), shape: [...shape], dtype: t.dtype };
  }

  async read(t: T): Promise<TypedArray> {
    return t.storage.slice();
  }

  /**
   * Always a copy: a typed array cannot be made read-only, and handing out the
   * live storage would let a caller change the tensor (model weights included).
   */
  readSync(t: T): TypedArray {
    return t.storage.slice();
  }

  release(storage: TypedArray): void {
    this.liveBytes -= storage.byteLength;
    const n = storage.length;
    // Only whole allocations are pooled (a view's buffer is larger than the view).
    if (n < POOL_MIN_ELEMENTS || storage.byteOffset !== 0 || storage.buffer.byteLength !== storage.byteLength) return;
    if (this.pooledBytes + storage.byteLength > POOL_MAX_BYTES) return;
    const dtype: DType = storage instanceof Float64Array ? 'float64' : storage instanceof Int32Array ? 'int32' : 'float32';
    const key = `${dtype}:${n}`;
    let list = this.pool.get(key);
    if (!list) {
      list = [];
      this.pool.set(key, list);
    }
    list.push(storage);
    this.pooledBytes += storage.byteLength;
  }

  /** Drops the pooled arrays (the garbage collector frees them). */
  clearPool(): void {
    this.pool.clear();
    this.pooledBytes = 0;
  }

  flush(): void {}

  memory(): MemoryInfo {
    return { usedBytes: this.liveBytes, allocatedBytes: this.liveBytes + this.pooledBytes };
  }

  describe(): string {
    return `CPU (typed arrays, ${this.floatDType})`;
  }

  private makeKernels(): KernelTable<TypedArray> {
    return {
      ...opFamilyKernels((shape, dtype) => this.alloc(shape, dtype)),
      unary: (x, op) => {
        const y = this.like(x, x.shape);
        unary(floatOf(x), op, floatOf(y));
        return y;
      },
      scale: (x, factor) => {
        const y = this.like(x, x.shape);
        scale(floatOf(x), factor, floatOf(y));
        return y;
      },
      binary: (a, b, op, outShape) => {
        const y = this.like(a, outShape);
        binary(floatOf(a), a.shape, floatOf(b), b.shape, op, outShape, floatOf(y));
        return y;
      },
      reluBackward: (dy, y) => {
        const dx = this.like(dy, dy.shape);
        reluBackward(floatOf(dy), floatOf(y), floatOf(dx));
        return dx;
      },
      sum: (x, axes, outShape) => {
        const y = this.like(x, outShape);
        sum(floatOf(x), x.shape, axes, floatOf(y));
        return y;
      },
      argmax: (x) => {
        const y = this.alloc(x.shape.slice(0, -1), 'int32');
        argmax(floatOf(x), x.shape[x.shape.length - 1], intOf(y));
        return y;
      },
      countCorrect: (logits, labels) => {
        const y = this.alloc([], 'int32');
        y.storage[0] = countCorrect(floatOf(logits), intOf(labels), logits.shape[1]);
        return y;
      },
      matmul: (a, b, transposeA, transposeB) => {
        const [aR, aC] = a.shape;
        const [bR, bC] = b.shape;
        const M = transposeA ? aC : aR;
        const K = transposeA ? aR : aC;
        const N = transposeB ? bR : bC;
        const c = this.like(a, [M, N]);
        const A = floatOf(a);
        let B = floatOf(b);
        if (transposeB) {
          // The inner loop runs along rows of B: pack Bᵀ once (K x N, small next to M x N x K work).
          const packed = scratch(B, 'matmul-bt', K * N);
          transposeInto(B, 0, bR, bC, packed, 0);
          B = packed;
        }
        // A is read through strides, so its transpose needs no copy.
        gemm(M, N, K, A, 0, transposeA ? 1 : aC, transposeA ? aC : 1, B, 0, N, floatOf(c), 0, N);
        return c;
      },
      conv2d: (x, w, bias, g, relu) => {
        const y = this.like(x, [g.batch, g.outH, g.outW, g.outC]);
        conv2dForward(floatOf(x), floatOf(w), bias ? floatOf(bias) : null, g, relu, floatOf(y));
        return y;
      },
      conv2dBackpropInput: (dy, w, g) => {
        const dx = this.like(dy, [g.batch, g.inH, g.inW, g.inC]);
        conv2dBackpropInput(floatOf(dy), floatOf(w), g, floatOf(dx));
        return dx;
      },
      conv2dBackpropFilter: (x, dy, g) => {
        const dw = this.like(x, [g.kH, g.kW, g.inC, g.outC]);
        conv2dBackpropFilter(floatOf(x), floatOf(dy), g, floatOf(dw));
        return dw;
      },
      maxPool2d: (x, g) => {
        const shape = [g.batch, g.outH, g.outW, g.channels];
        const y = this.like(x, shape);
        const where = this.alloc(shape, 'int32');
        maxPool2d(floatOf(x), g, floatOf(y), intOf(where));
        return { y, argmax: where };
      },
      maxPool2dBackward: (dy, where, g) => {
        const dx = this.like(dy, [g.batch, g.inH, g.inW, g.channels]);
        maxPool2dBackward(floatOf(dy), intOf(where), floatOf(dx));
        return dx;
      },
      softmax: (x) => {
        const y = this.like(x, x.shape);
        softmax(floatOf(x), x.shape[x.shape.length - 1], floatOf(y));
        return y;
      },
      logSoftmax: (x) => {
        const y = this.like(x, x.shape);
        logSoftmax(floatOf(x), x.shape[x.shape.length - 1], floatOf(y));
        return y;
      },
      softmaxCrossEntropy: (logits, labels) => {
        const probs = this.like(logits, logits.shape);
        const loss = this.like(logits, []);
        loss.storage[0] = softmaxCrossEntropy(floatOf(logits), intOf(labels), logits.shape[1], floatOf(probs));
        return { loss, probs };
      },
      softmaxCrossEntropyBackward: (probs, labels, dLoss) => {
        const dx = this.like(probs, probs.shape);
        softmaxCrossEntropyBackward(floatOf(probs), intOf(labels), probs.shape[1], dLoss.storage[0], floatOf(dx));
        return dx;
      },
      adam: (param, grad, m, v, scalars) => {
        adam(floatOf(param), floatOf(grad), floatOf(m), floatOf(v), scalars);
      },
      copyInto: (src, dst) => {
        dst.storage.set(src.storage);
      },
    };
  }
}
