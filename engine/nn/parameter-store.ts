/**
 * All trainable parameters of a model in ONE flat buffer; each parameter tensor
 * is a zero-copy view into it. Gradients are gathered into a second flat buffer
 * of the same layout, so the optimizer updates every parameter in one kernel
 * call (one GPU dispatch). Views start on 64-element boundaries: WebGPU binds
 * storage at 256-byte-aligned offsets.
 */
import type { Backend, Shape } from '../backends/backend.js';
import { sizeOf } from '../backends/backend.js';
import { keep } from '../runtime.js';
import { Tensor } from '../tensor.js';

export const PARAMETER_ALIGNMENT = 64;

export interface ParameterSpec {
  readonly name: string;
  readonly shape: Shape;
  readonly values: ArrayLike<number>;
}

export interface Parameter {
  readonly name: string;
  readonly offset: number;
  readonly tensor: Tensor;
}

export class ParameterStore {
  readonly parameters: readonly Parameter[];
  /** The flat buffer every parameter is a view of (length includes alignment padding). */
  readonly flat: Tensor;
  /** Run once by dispose(): what others keep for this store (an optimizer's slots) goes with it. */
  private readonly disposers = new Set<() => void>();

  constructor(
    readonly backend: Backend,
    specs: readonly ParameterSpec[],
  ) {
    let offset = 0;
    const offsets = specs.map((s) => {
      const at = offset;
      offset += Math.ceil(sizeOf(s.shape) / PARAMETER_ALIGNMENT) * PARAMETER_ALIGNMENT;
      return at;
    });
    const dtype = backend.floatDType;
    this.flat = keep(Tensor.fromHandle(backend.fill([Math.max(offset, 1)], dtype, 0), backend));
    this.parameters = specs.map((s, i) => {
      const view = keep(Tensor.sharing(this.flat, backend.view(this.flat.handle, offsets[i], s.shape)));
      view.requiresGrad = true;
      const parameter = { name: s.name, offset: offsets[i], tensor: view };
      this.assign(parameter, s.values);
      return parameter;
    });
  }

  get tensors(): Tensor[] {
    return this.parameters.map((p) => p.tensor);
  }

  /** Number of trainable values (without padding). */
  get count(): number {
    return this.parameters.reduce((n, p) => n + p.tensor.size, 0);
  }

  /** Overwrites one parameter's values from the host. */
  assign(parameter: Parameter, values: ArrayLike<number>): void {
    const t = parameter.tensor;
    if (values.length !== t.size) {
      throw new Error(`ParameterStore: ${parameter.name} has shape [${t.shape}] (${t.size} values), got ${values.length} values`);
    }
    const src = this.backend.upload(values, t.shape, t.dtype);
    this.backend.kernels.copyInto(src, t.handle);
    this.backend.release(src.storage);
  }

  /** A flat zero buffer of the same layout (gradients, optimizer moments). */
  zerosLike(): Tensor {
    return keep(Tensor.fromHandle(this.backend.fill(this.flat.shape, this.flat.dtype, 0), this.backend));
  }

  /** Views into a flat buffer of this layout, one per parameter. */
  viewsOf(flat: Tensor): Tensor[] {
    return this.parameters.map((p) => keep(Tensor.sharing(flat, this.backend.view(flat.handle, p.offset, p.tensor.shape))));
  }

  /** Each parameter's values, read back to the host. */
  async read(): Promise<Float32Array[]> {
    const all = await this.flat.data();
    return this.parameters.map((p) => Float32Array.from(all.subarray(p.offset, p.offset + p.tensor.size)));
  }

  /** Calls `release` when the store is disposed; returns a function that cancels that. */
  onDispose(release: () => void): () => void {
    this.disposers.add(release);
    return () => this.disposers.delete(release);
  }

  dispose(): void {
    const disposers = [...this.disposers];
    this.disposers.clear();
    for (const release of disposers) release();
    for (const p of this.parameters) p.tensor.dispose();
    this.flat.dispose();
  }
}
