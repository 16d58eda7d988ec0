/**
 * Tensor: a shape, a dtype, data on a backend, and (when it was made by an op
 * while gradients are recorded) the node that knows how to send gradients back.
 */
import type { Backend, DType, Shape, TensorData, TypedArray } from './backends/backend.js';
import { sizeOf } from './backends/backend.js';
import { getBackend, trackTensor } from './runtime.js';
import { show } from './nn/show.js';
import { checkDType, checkShape } from './ops/validate.js';

/** How an op sends dL/d(output) back to its inputs. `needs[i]` says whether input i wants a gradient. */
export type BackwardFn = (dy: Tensor, needs: readonly boolean[]) => (Tensor | null)[];

export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Tensors the backward rule reads besides the inputs and the output (argmax indices, probabilities). */
  readonly saved: readonly Tensor[];
  readonly backward: BackwardFn;
}

/** Shared ownership of one backend allocation (reshape and views share it). */
class StorageRef {
  refs = 1;
  constructor(
    readonly backend: Backend,
    readonly root: unknown,
  ) {}
  release(): void {
    if (--this.refs === 0) this.backend.release(this.root);
  }
}

let nextId = 0;

export class Tensor {
  readonly isTensor = true;
  readonly id = nextId++;
  requiresGrad: boolean;
  /** Filled by backward() on tensors that require gradients and were not made by an op. */
  grad: Tensor | null = null;
  node: GradNode | null = null;
  private disposed = false;

  private constructor(
    readonly backend: Backend,
    readonly handle: TensorData,
    private readonly ref: StorageRef,
    requiresGrad: boolean,
  ) {
    this.requiresGrad = requiresGrad;
    trackTensor(this);
  }

  /** Wraps data a backend just allocated; the tensor owns it. */
  static fromHandle(handle: TensorData, backend: Backend = getBackend(), requiresGrad = false): Tensor {
    return new Tensor(backend, handle, new StorageRef(backend, handle.storage), requiresGrad);
  }

  /** A tensor sharing `base`'s storage (reshape, views into flat buffers). */
  static sharing(base: Tensor, handle: TensorData): Tensor {
    base.assertLive('share');
    base.ref.refs++;
    return new Tensor(base.backend, handle, base.ref, false);
  }

  get shape(): Shape {
    return this.handle.shape;
  }
  get dtype(): DType {
    return this.handle.dtype;
  }
  get rank(): number {
    return this.handle.shape.length;
  }
  get size(): number {
    return sizeOf(this.handle.shape);
  }
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Reads the values back to the host (on WebGPU this submits pending work and waits). */
  async data(): Promise<TypedArray> {
    this.assertLive('data');
    return this.backend.read(this.handle);
  }

  /** Synchronous read; only backends that hold host memory (the CPU) support it. */
  dataSync(): TypedArray {
    this.assertLive('dataSync');
    if (!this.backend.readSync) {
      throw new Error(`dataSync: the ${this.backend.name} backend reads asynchronously; use await tensor.data()`);
    }
    return this.backend.readSync(this.handle);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item: expected a tensor of one element, got shape [${this.shape}]`);
    return (await this.data())[0];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ref.release();
    this.node = null;
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
  }

  assertLive(what: string): void {
    if (this.disposed) throw new Error(`${what}: tensor ${this.id} of shape [${this.shape}] was disposed`);
  }

  toString(): string {
    return `Tensor(id=${this.id}, shape=[${this.shape}], dtype=${this.dtype}, backend=${this.backend.name})`;
  }
}

function defaultFloat(): DType {
  return getBackend().floatDType;
}

/**
 * A tensor from host values; dtype defaults to the backend's float type. Plain arrays must
 * hold numbers, and int32 tensors integers in range (a typed array would truncate or wrap them).
 */
export function tensor(values: ArrayLike<number>, shape: Shape, dtype: DType = defaultFloat()): Tensor {
  return fromHost('tensor', values, shape, dtype);
}

function fromHost(op: string, values: ArrayLike<number>, shape: Shape, dtype: DType): Tensor {
  checkShape(op, shape);
  checkDType(op, dtype);
  const plain = Array.isArray(values);
  if (!plain && !ArrayBuffer.isView(values)) throw new Error(`${op}: values must be an array or a typed array of numbers, got ${show(values)}`);
  const n = sizeOf(shape);
  if (values.length !== n) {
    throw new Error(`${op}: shape [${shape}] holds ${n} values, got ${values.length}`);
  }
  if (plain || (dtype === 'int32' && !(values instanceof Int32Array))) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number') throw new Error(`${op}: value ${i} is ${show(v)}, expected a number`);
      if (dtype === 'int32' && !(Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)) {
        throw new Error(`${op}: value ${i} is ${v}, expected an integer in the int32 range for an int32 tensor`);
      }
    }
  }
  const backend = getBackend();
  return Tensor.fromHandle(backend.upload(values, shape, dtype), backend);
}

export function scalar(value: number, dtype: DType = defaultFloat()): Tensor {
  return fromHost('scalar', [value], [], dtype);
}

export function full(shape: Shape, value: number, dtype: DType = defaultFloat()): Tensor {
  return filled('full', shape, value, dtype);
}

export function zeros(shape: Shape, dtype: DType = defaultFloat()): Tensor {
  return filled('zeros', shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = defaultFloat()): Tensor {
  return filled('ones', shape, 1, dtype);
}

function filled(op: string, shape: Shape, value: number, dtype: DType): Tensor {
  checkShape(op, shape);
  checkDType(op, dtype);
  if (typeof value !== 'number') throw new Error(`${op}: the fill value must be a number, got ${show(value)}`);
  if (dtype === 'int32' && !(Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31)) {
    throw new Error(`${op}: the fill value ${value} is not an int32 integer`);
  }
  const backend = getBackend();
  return Tensor.fromHandle(backend.fill(shape, dtype, value), backend);
}

/** A trainable leaf: requires gradients. */
export function variable(values: ArrayLike<number>, shape: Shape): Tensor {
  const t = tensor(values, shape);
  t.requiresGrad = true;
  return t;
}
