/**
 * The CPU backend: storage is a typed array (Float32Array or Float64Array for
 * floats, Int32Array for int32), views are zero-copy `subarray`s. It is the
 * numerical reference of the engine (run in float64 for gradient checks) and a
 * usable trainer. Matrix products and convolutions go through one GEMM, of two
 * kinds (the `gemm` option):
 * - 'wasm' (float32's default): a WebAssembly SIMD micro-kernel (wasm/), with
 *   implicit-GEMM convolutions, bias and ReLU fused in, split across worker
 *   threads (the `threads` option) where SharedArrayBuffer allows;
 * - 'js' (float64's, and the fallback where WebAssembly SIMD is missing): a
 *   blocked plain-JS GEMM (gemm.ts) and im2col convolutions (conv2d.ts), the
 *   reference the wasm kernels are tested against.
 * The other kernels are plain single-threaded JavaScript.
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
import { adagrad, clipByGlobalNorm, rmsprop, sgd } from './optimizer-updates.js';
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dForward } from './conv2d.js';
import { binary, reluBackward, scale, unary } from './elementwise.js';
import { gemm, transposeInto, type FloatArray } from './gemm.js';
import { maxPool2d, maxPool2dBackward } from './pool.js';
import { sameShape } from '../../ops/geometry.js';
import { opFamilyKernels } from './op-family-kernels.js';
import { wasmBatchNorm, wasmBatchNormBackward, wasmColumnMoments } from './wasm/wasm-batch-norm.js';
import { argmax, countCorrect, sum } from './reduce.js';
import { scratch } from './scratch.js';
import { logSoftmax, softmax, softmaxCrossEntropy, softmaxCrossEntropyBackward } from './softmax.js';
import { hardwareThreads } from './wasm/threads.js';
import { wasmRuntime, type WasmRuntime } from './wasm/wasm-runtime.js';
import {
  wasmColumnSums, wasmConv2dBackpropFilter, wasmConv2dBackpropInput, wasmConv2dForward, wasmMatmul,
  wasmAdd, wasmMaxPool2x2, wasmRelu, wasmReluBackward, wasmScatterAdd,
} from './wasm/wasm-kernels.js';

type T = TensorData<TypedArray>;

export type CpuGemm = 'wasm' | 'js';

export interface CpuBackendOptions {
  /**
   * The GEMM under matmul and convolutions: 'wasm' (WebAssembly SIMD, float32
   * only; the float32 default) or 'js' (plain typed arrays; float64 always).
   * Where WebAssembly SIMD is missing, 'wasm' falls back to 'js' and
   * describe() says why.
   */
  gemm?: CpuGemm;
  /**
   * Threads a wasm GEMM may split across (this one plus workers); default the
   * platform's cores, at most 8. Worker threads need SharedArrayBuffer and a
   * thread that may block (not a page's main thread); elsewhere it is 1, and
   * describe() says why.
   */
  threads?: number;
}

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

/** Only on a float32 backend with the wasm GEMM. */
function f32Of(t: T): Float32Array {
  return t.storage as Float32Array;
}

function intOf(t: T): Int32Array {
  return t.storage as Int32Array;
}

export class CpuBackend implements Backend<TypedArray> {
  readonly name = 'cpu';
  readonly kernels: KernelTable<TypedArray>;
  private liveBytes = 0;
  private peakLiveBytes = 0;
  private pooledBytes = 0;
  private readonly pool = new Map<string, TypedArray[]>();

  /** The GEMM in use (after any fallback). */
  readonly gemm: CpuGemm;
  /** Threads a large GEMM splits across (asked for; 1 where threads are unavailable). */
  readonly threads: number;
  /** Why the GEMM or the thread count is not what was asked for, or null. */
  readonly note: string | null;
  private readonly wasm: WasmRuntime | null;
  /** Large float32/int32 arrays live in the wasm runtime's shared memory (where it is shared). */
  private readonly inWasm: boolean;
  private readonly heapArrays = new WeakSet<TypedArray>();

  constructor(readonly floatDType: FloatDType = 'float32', options: CpuBackendOptions = {}) {
    if (floatDType !== 'float32' && floatDType !== 'float64') {
      throw new Error(`CpuBackend: floatDType must be 'float32' or 'float64', got '${floatDType as string}'`);
    }
    const asked = options.gemm ?? (floatDType === 'float32' ? 'wasm' : 'js');
    if (asked !== 'wasm' && asked !== 'js') throw new Error(`CpuBackend: gemm must be 'wasm' or 'js', got '${String(asked)}'`);
    if (asked === 'wasm' && floatDType === 'float64') {
      throw new Error("CpuBackend: gemm 'wasm' is float32 only; float64 (the gradient checks' type) uses gemm 'js'");
    }
    const threads = options.threads ?? Math.min(8, hardwareThreads());
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`CpuBackend: threads must be a positive integer, got ${String(threads)}`);
    let note: string | null = null;
    let wasm: WasmRuntime | null = null;
    if (asked === 'wasm') {
      const rt = wasmRuntime();
      if (typeof rt === 'string') note = `JS GEMM, because ${rt}`;
      else wasm = rt;
    }
    if (wasm && threads > 1 && wasm.threadsNote) note = `1 thread, because ${wasm.threadsNote}`;
    this.wasm = wasm;
    this.inWasm = wasm?.shared ?? false;
    this.gemm = wasm ? 'wasm' : 'js';
    this.threads = wasm && !wasm.threadsNote ? threads : 1;
    this.note = note;
    this.kernels = this.makeKernels();
  }

  /**
   * A new array, counted as live: zeroed, or with `overwritten` (the caller
   * writes every element) a reused one is not cleared, saving a pass.
   */
  private alloc(shape: Shape, dtype: DType, overwritten = false): T {
    const n = sizeOf(shape);
    let storage: TypedArray | undefined;
    if (this.inWasm && n >= POOL_MIN_ELEMENTS && dtype !== 'float64') {
      // In the wasm heap, whose free lists play the pool's part.
      try {
        storage = this.wasm!.heapArray(dtype, n);
      } catch (e) {
        throw new Error(`cpu: cannot allocate a ${dtype} array of shape [${shape}] (${n} elements) in WebAssembly memory (${(e as Error).message})`);
      }
      if (!overwritten) storage.fill(0);
      this.heapArrays.add(storage);
    } else if (n >= POOL_MIN_ELEMENTS) {
      storage = this.pool.get(`${dtype}:${n}`)?.pop();
      if (storage) {
        this.pooledBytes -= storage.byteLength;
        if (!overwritten) storage.fill(0);
      }
    }
    storage ??= allocate(dtype, n, shape);
    this.liveBytes += storage.byteLength;
    if (this.liveBytes > this.peakLiveBytes) this.peakLiveBytes = this.liveBytes;
    return { storage, shape: [...shape], dtype };
  }

  /** A new zeroed float array of t's dtype. */
  private like(t: T, shape: Shape): T {
    return this.alloc(shape, t.dtype);
  }

  /** A new float array of t's dtype whose every element the kernel writes (not cleared when reused). */
  private output(t: T, shape: Shape): T {
    return this.alloc(shape, t.dtype, true);
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
    if (this.heapArrays.delete(storage)) {
      this.wasm!.heapFree(storage.byteOffset, storage.byteLength);
      return;
    }
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

  /**
   * Resolves when the GEMM's worker threads are up. Not needed for
   * correctness: until then large GEMMs run on fewer threads, with the same
   * results. Benchmarks await it so that every measured step uses them.
   */
  async ready(): Promise<void> {
    if (this.wasm) await this.wasm.whenThreadsReady(this.threads);
  }

  /** With tensors in wasm memory, allocatedBytes includes the heap's free blocks, which every CPU backend of this thread shares. */
  memory(): MemoryInfo {
    const heapFree = this.inWasm ? this.wasm!.freeHeapBytes : 0;
    return { usedBytes: this.liveBytes, allocatedBytes: this.liveBytes + this.pooledBytes + heapFree, peakUsedBytes: this.peakLiveBytes };
  }

  /** Restarts memory().peakUsedBytes from the bytes live now. */
  resetPeakMemory(): void {
    this.peakLiveBytes = this.liveBytes;
  }

  describe(): string {
    const gemm = this.gemm === 'wasm' ? `wasm SIMD GEMM, ${this.threads} thread${this.threads > 1 ? 's' : ''}` : 'JS GEMM';
    return `CPU (typed arrays, ${this.floatDType}, ${gemm}${this.note ? `; ${this.note}` : ''})`;
  }

  /**
   * Batch norm's kernels on wasm (wasm/wasm-batch-norm.ts) where the tensors live in wasm memory
   * and the channels are a multiple of 4, else the op family's JS ones: the same results, bit for bit.
   */
  private wasmBatchNormKernels(family: ReturnType<typeof opFamilyKernels>): Partial<Pick<KernelTable<TypedArray>, 'moments' | 'batchNorm' | 'batchNormBackward'>> {
    if (!this.inWasm) return {};
    const rt = this.wasm!;
    return {
      moments: (x, axes, outShape) => {
        // Over every axis but the last (batch norm's statistics), in that order.
        const channels = axes.length === x.shape.length - 1 && axes.every((a, i) => a === i);
        if (!channels) return family.moments(x, axes, outShape);
        const mean = this.alloc(outShape, x.dtype);
        const variance = this.alloc(outShape, x.dtype);
        if (wasmColumnMoments(rt, f32Of(x), x.shape[x.shape.length - 1], f32Of(mean), f32Of(variance))) return { mean, variance };
        this.release(mean.storage);
        this.release(variance.storage);
        return family.moments(x, axes, outShape);
      },
      batchNorm: (x, mean, variance, scale, offset, epsilon) => {
        const y = this.alloc(x.shape, x.dtype);
        if (wasmBatchNorm(rt, f32Of(x), f32Of(mean), f32Of(variance), f32Of(scale), f32Of(offset), epsilon, f32Of(y))) return y;
        this.release(y.storage);
        return family.batchNorm(x, mean, variance, scale, offset, epsilon);
      },
      batchNormBackward: (dy, x, mean, variance, scale, epsilon, training) => {
        const dx = this.alloc(x.shape, x.dtype);
        const dScale = this.alloc(mean.shape, x.dtype);
        const dOffset = this.alloc(mean.shape, x.dtype);
        if (wasmBatchNormBackward(rt, f32Of(dy), f32Of(x), f32Of(mean), f32Of(variance), f32Of(scale), epsilon, training, f32Of(dx), f32Of(dScale), f32Of(dOffset))) {
          return { dx, dScale, dOffset };
        }
        for (const t of [dx, dScale, dOffset]) this.release(t.storage);
        return family.batchNormBackward(dy, x, mean, variance, scale, epsilon, training);
      },
    };
  }

  private makeKernels(): KernelTable<TypedArray> {
    const family = opFamilyKernels((shape, dtype) => this.alloc(shape, dtype));
    return {
      ...family,
      ...this.wasmBatchNormKernels(family),
      unary: (x, op) => {
        const y = this.output(x, x.shape);
        if (!(this.inWasm && op === 'relu' && wasmRelu(this.wasm!, f32Of(x), f32Of(y)))) unary(floatOf(x), op, floatOf(y));
        return y;
      },
      scale: (x, factor) => {
        const y = this.output(x, x.shape);
        scale(floatOf(x), factor, floatOf(y));
        return y;
      },
      binary: (a, b, op, outShape) => {
        const y = this.output(a, outShape);
        const plainAdd = op === 'add' && a.dtype === 'float32' && b.dtype === 'float32' && sameShape(a.shape, b.shape);
        if (!(this.inWasm && plainAdd && wasmAdd(this.wasm!, f32Of(a), f32Of(b), f32Of(y)))) binary(floatOf(a), a.shape, floatOf(b), b.shape, op, outShape, floatOf(y));
        return y;
      },
      reluBackward: (dy, y) => {
        const dx = this.output(dy, dy.shape);
        if (!(this.inWasm && wasmReluBackward(this.wasm!, f32Of(dy), f32Of(y), f32Of(dx)))) reluBackward(floatOf(dy), floatOf(y), floatOf(dx));
        return dx;
      },
      sum: (x, axes, outShape) => {
        const y = this.output(x, outShape);
        const last = x.shape.length - 1;
        // A bias gradient (every axis but the last): column sums in wasm.
        const columns = last > 0 && axes.length === last && axes.every((a, i) => a === i);
        if (!(this.inWasm && columns && wasmColumnSums(this.wasm!, f32Of(x), x.shape[last], f32Of(y)))) {
          sum(floatOf(x), x.shape, axes, floatOf(y));
        }
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
        if (this.wasm) {
          const M = transposeA ? a.shape[1] : a.shape[0];
          const N = transposeB ? b.shape[0] : b.shape[1];
          const c = this.output(a, [M, N]);
          wasmMatmul(this.wasm, this.threads, f32Of(a), a.shape, f32Of(b), b.shape, transposeA, transposeB, f32Of(c));
          return c;
        }
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
        // Both paths write every element (the JS one starts each row from the bias or zero).
        const y = this.output(x, [g.batch, g.outH, g.outW, g.outC]);
        if (this.wasm) {
          wasmConv2dForward(this.wasm, this.threads, f32Of(x), f32Of(w), bias ? f32Of(bias) : null, g, relu, f32Of(y));
          return y;
        }
        conv2dForward(floatOf(x), floatOf(w), bias ? floatOf(bias) : null, g, relu, floatOf(y));
        return y;
      },
      conv2dBackpropInput: (dy, w, g) => {
        const shape = [g.batch, g.inH, g.inW, g.inC];
        if (this.wasm) {
          const dx = this.output(dy, shape);
          wasmConv2dBackpropInput(this.wasm, this.threads, f32Of(dy), f32Of(w), g, f32Of(dx));
          return dx;
        }
        const dx = this.like(dy, shape);
        conv2dBackpropInput(floatOf(dy), floatOf(w), g, floatOf(dx));
        return dx;
      },
      conv2dBackpropFilter: (x, dy, g) => {
        const shape = [g.kH, g.kW, g.inC, g.outC];
        if (this.wasm) {
          const dw = this.output(x, shape);
          wasmConv2dBackpropFilter(this.wasm, this.threads, f32Of(x), f32Of(dy), g, f32Of(dw));
          return dw;
        }
        const dw = this.like(x, shape);
        conv2dBackpropFilter(floatOf(x), floatOf(dy), g, floatOf(dw));
        return dw;
      },
      maxPool2d: (x, g) => {
        const shape = [g.batch, g.outH, g.outW, g.channels];
        const y = this.output(x, shape);
        const where = this.alloc(shape, 'int32', true);
        if (!(this.inWasm && wasmMaxPool2x2(this.wasm!, f32Of(x), g, f32Of(y), intOf(where)))) maxPool2d(floatOf(x), g, floatOf(y), intOf(where));
        return { y, argmax: where };
      },
      maxPool2dBackward: (dy, where, g) => {
        const dx = this.like(dy, [g.batch, g.inH, g.inW, g.channels]);
        if (!(this.inWasm && wasmScatterAdd(this.wasm!, f32Of(dy), intOf(where), f32Of(dx)))) maxPool2dBackward(floatOf(dy), intOf(where), floatOf(dx));
        return dx;
      },
      softmax: (x) => {
        const y = this.output(x, x.shape);
        softmax(floatOf(x), x.shape[x.shape.length - 1], floatOf(y));
        return y;
      },
      logSoftmax: (x) => {
        const y = this.output(x, x.shape);
        logSoftmax(floatOf(x), x.shape[x.shape.length - 1], floatOf(y));
        return y;
      },
      softmaxCrossEntropy: (logits, labels) => {
        const probs = this.output(logits, logits.shape);
        const loss = this.like(logits, []);
        loss.storage[0] = softmaxCrossEntropy(floatOf(logits), intOf(labels), logits.shape[1], floatOf(probs));
        return { loss, probs };
      },
      softmaxCrossEntropyBackward: (probs, labels, dLoss) => {
        const dx = this.output(probs, probs.shape);
        softmaxCrossEntropyBackward(floatOf(probs), intOf(labels), probs.shape[1], dLoss.storage[0], floatOf(dx));
        return dx;
      },
      adam: (param, grad, m, v, scalars) => {
        adam(floatOf(param), floatOf(grad), floatOf(m), floatOf(v), scalars);
      },
      sgd: (param, grad, velocity, scalars) => {
        sgd(floatOf(param), floatOf(grad), velocity && floatOf(velocity), scalars);
      },
      rmsprop: (param, grad, velocity, momentum, average, scalars) => {
        rmsprop(floatOf(param), floatOf(grad), floatOf(velocity), momentum && floatOf(momentum), average && floatOf(average), scalars);
      },
      adagrad: (param, grad, accumulator, scalars) => {
        adagrad(floatOf(param), floatOf(grad), floatOf(accumulator), scalars);
      },
      clipByGlobalNorm: (grad, normSquared, clipNorm) => {
        clipByGlobalNorm(floatOf(grad), floatOf(normSquared)[0], clipNorm);
      },
      copyInto: (src, dst) => {
        dst.storage.set(src.storage);
      },
    };
  }
}
