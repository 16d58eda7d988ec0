/**
 * defineKernel: an op of your own, without forking the engine.
 *
 * A custom kernel is element-wise in its output: you write one WGSL function,
 * `fn kernel(i: u32) -> f32`, the value of output element i, which may read any element of the
 * inputs (declared for you as `array<f32>` storage buffers named as in `inputs`) and the scalar
 * uniforms (`p.<name>`, f32). You give the same function in JavaScript as `cpu`, and optionally a
 * backward rule written with engine ops (or other custom kernels), and a validation hook.
 *
 * What the op gets from the engine, the same as a built-in kernel:
 * - input checks with errors that name the op: tensor count, float dtype, one backend, shapes
 *   (equal unless you give outputShape), scalars present and finite, then your `validate`;
 * - on WebGPU: the engine's entry prelude (include/elements.wgsl, the folded 2-D/3-D index), the
 *   pipeline cache (compiled once per backend), the uniform ring, one encoder per step, the
 *   profiler's per-dispatch timings under the kernel's name, and compile errors that name the
 *   kernel and the line of YOUR wgsl;
 * - on the CPU backend (and any backend that reads synchronously): your `cpu` function, which
 *   makes it the reference the parity helper (kernel-parity.ts) checks the WGSL against;
 * - autograd: `backward` is recorded like any op's rule.
 *
 * No WGSL is parsed: the bindings and the uniform layout are generated here, so the layout is
 * known without reflection and the browser bundle stays parser-free.
 */
import { record } from '../autograd.js';
import type { Backend, Shape, TensorData, TypedArray } from '../backends/backend.js';
import { sizeOf } from '../backends/backend.js';
import { sameShape } from '../ops/geometry.js';
import { WebGPUBackend, type SourceProgram } from '../backends/webgpu/webgpu-backend.js';
import type { ShaderLayout, ShaderSource } from '../backends/webgpu/shader-layout.js';
import { PRELUDES } from '../backends/webgpu/shaders.generated.js';
import { fmt } from '../ops/validate.js';
import { Tensor } from '../tensor.js';

export interface KernelDefinition<I extends string, S extends string = never> {
  /** The op's name: in errors, pipeline labels and profiles. A WGSL-safe identifier. */
  readonly name: string;
  /** The float input tensors, in call order; the WGSL reads them as `array<f32>` of these names. */
  readonly inputs: readonly I[];
  /** Scalar f32 parameters, given at call time in an object (`op(x, { alpha: 0.1 })`), read as `p.<name>`. */
  readonly scalars?: readonly S[];
  /** WGSL defining `fn kernel(i: u32) -> f32`: output element i. `p.n` is the output size. */
  readonly wgsl: string;
  /** The same function in JavaScript: output element i from the inputs' values. */
  readonly cpu: (i: number, inputs: Readonly<Record<I, TypedArray>>, scalars: Readonly<Record<S, number>>) => number;
  /** The output shape; default: every input has one shape, and the output has it too. */
  readonly outputShape?: (shapes: Readonly<Record<I, Shape>>) => Shape;
  /** Extra checks: return (or throw) a message for a bad call; it is reported as `<name>: <message>`. */
  readonly validate?: (shapes: Readonly<Record<I, Shape>>, scalars: Readonly<Record<S, number>>) => string | void;
  /** Gradients of the inputs from dy, with engine ops; omitted inputs get no gradient. */
  readonly backward?: (
    dy: Tensor, inputs: Readonly<Record<I, Tensor>>, y: Tensor, scalars: Readonly<Record<S, number>>,
  ) => Partial<Record<I, Tensor>>;
}

/** A defined kernel: call it like an op, `op(x, y, { alpha })`. */
export interface CustomKernel<I extends string, S extends string = never> {
  (...args: (Tensor | Readonly<Record<S, number>>)[]): Tensor;
  readonly definition: KernelDefinition<I, S>;
  /** The WGSL program the WebGPU backend compiles (generated bindings + prelude + your wgsl). */
  readonly source: ShaderSource;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names the generated code uses itself. */
const RESERVED = new Set(['p', 'y', 'n', 'i', 'main', 'kernel', 'element', 'invocation', 'Params', 'WG']);

export function defineKernel<I extends string, S extends string = never>(def: KernelDefinition<I, S>): CustomKernel<I, S> {
  const where = `defineKernel '${def.name}'`;
  if (typeof def.name !== 'string' || !IDENT.test(def.name)) throw new Error(`defineKernel: name must be an identifier ([A-Za-z_][A-Za-z0-9_]*), got ${JSON.stringify(def.name)}`);
  const scalars = def.scalars ?? [];
  if (!Array.isArray(def.inputs) || def.inputs.length === 0) throw new Error(`${where}: inputs must name at least one tensor`);
  const names = [...def.inputs, ...scalars];
  for (const n of names) {
    if (typeof n !== 'string' || !IDENT.test(n)) throw new Error(`${where}: input and scalar names must be identifiers, got ${JSON.stringify(n)}`);
    if (RESERVED.has(n)) throw new Error(`${where}: '${n}' is used by the generated WGSL; pick another name (reserved: ${[...RESERVED].join(', ')})`);
  }
  if (new Set(names).size !== names.length) throw new Error(`${where}: input and scalar names must differ, got [${names.join(', ')}]`);
  if (def.inputs.length > 7) throw new Error(`${where}: at most 7 inputs (a kernel binds at most 8 storage buffers), got ${def.inputs.length}`);
  if (typeof def.wgsl !== 'string' || !/\bfn\s+kernel\s*\(/.test(def.wgsl)) throw new Error(`${where}: wgsl must define fn kernel(i: u32) -> f32`);
  if (typeof def.cpu !== 'function') throw new Error(`${where}: cpu must be a function (i, inputs, scalars) => number`);

  const source = customSource(def);
  const program: SourceProgram = { shader: def.name, workgroup: 'elementwise', grid: 'threads', source };

  const op = (...args: (Tensor | Readonly<Record<S, number>>)[]): Tensor => {
    const { tensors, values } = checkCall(def, args);
    const x0 = tensors[def.inputs[0]];
    const be = x0.backend;
    const shapes = Object.fromEntries(def.inputs.map((k) => [k, tensors[k].shape])) as Record<I, Shape>;
    const outShape = def.outputShape ? def.outputShape(shapes) : shapes[def.inputs[0]];
    checkShape(where, outShape);
    const data = run(be, def, program, def.inputs.map((k) => tensors[k].handle), x0.dtype, outShape, values);
    const inputs = def.inputs.map((k) => tensors[k]);
    const y: Tensor = record(def.name, data, inputs, (dy) => {
      if (!def.backward) throw new Error(`${def.name}: no backward was given to defineKernel, so it cannot be differentiated`);
      const grads = def.backward(dy, tensors, y, values);
      return def.inputs.map((k) => {
        const g = grads[k];
        if (g !== undefined && !(g instanceof Tensor)) throw new Error(`${def.name} backward: the gradient of '${k}' is not a Tensor`);
        return g ?? null;
      });
    });
    return y;
  };
  return Object.assign(op, { definition: def, source });
}

/** Bindings, uniforms and entry point around the user's WGSL; the layout is known by construction. */
function customSource<I extends string, S extends string>(def: KernelDefinition<I, S>): ShaderSource {
  const scalars = def.scalars ?? [];
  const prelude = PRELUDES['include/elements.wgsl'];
  const head = [
    `// defineKernel '${def.name}': bindings and entry generated by engine/kernels/define-kernel.ts.`,
    `struct Params { n: u32, ${scalars.map((s) => `${s}: f32, `).join('')}}`,
    ...def.inputs.map((name, k) => `@group(0) @binding(${k + 1}) var<storage, read> ${name}: array<f32>;`),
    `@group(0) @binding(${def.inputs.length + 1}) var<storage, read_write> y: array<f32>;`,
    'fn element(i: u32) { y[i] = kernel(i); }',
  ];
  const preludeLines = prelude.code.split('\n').length - 1;
  const userStart = head.length + preludeLines + 1;
  const code = [...head, prelude.code.slice(0, -1), def.wgsl].join('\n') + '\n';
  const layout: ShaderLayout = {
    bindings: [
      { name: 'p', binding: 0, kind: 'uniform' },
      ...def.inputs.map((name, k) => ({ name, binding: k + 1, kind: 'read-only-storage' as const })),
      { name: 'y', binding: def.inputs.length + 1, kind: 'storage' },
    ],
    uniform: {
      binding: 0,
      size: Math.ceil((4 + 4 * scalars.length) / 16) * 16,
      members: [{ name: 'n', offset: 0, size: 4, type: 'u32' }, ...scalars.map((s, k) => ({ name: s, offset: 4 + 4 * k, size: 4, type: 'f32' }))],
    },
    consts: {},
  };
  const file = `defineKernel '${def.name}' wgsl`;
  const lines = [
    [1, `defineKernel '${def.name}' (generated)`, 1] as const,
    ...prelude.lines.map(([start, f, line]) => [start + head.length, f, line] as const),
    [userStart, file, 1] as const,
  ];
  return { code, layout, lines };
}

function checkCall<I extends string, S extends string>(
  def: KernelDefinition<I, S>, args: readonly unknown[],
): { tensors: Record<I, Tensor>; values: Record<S, number> } {
  const op = def.name;
  const scalars = def.scalars ?? [];
  const want = def.inputs.length;
  const last = args[args.length - 1];
  const hasScalars = args.length === want + 1 && last !== null && typeof last === 'object' && !(last instanceof Tensor);
  const tensorArgs = hasScalars ? args.slice(0, -1) : args;
  const usage = `${op}(${[...def.inputs, ...(scalars.length ? [`{ ${scalars.join(', ')} }`] : [])].join(', ')})`;
  if (tensorArgs.length !== want) throw new Error(`${op}: expected ${want} tensor${want === 1 ? '' : 's'}, got ${tensorArgs.length} arguments; call it as ${usage}`);
  const tensors = {} as Record<I, Tensor>;
  def.inputs.forEach((k, j) => {
    const t = tensorArgs[j];
    if (!(t instanceof Tensor)) throw new Error(`${op}: input '${k}' (argument ${j + 1}) must be a Tensor, got ${describeValue(t)}`);
    if (t.dtype === 'int32') throw new Error(`${op}: input '${k}' must be a float tensor, got int32 ${fmt(t.shape)}`);
    tensors[k] = t;
  });
  const first = tensors[def.inputs[0]];
  for (const k of def.inputs) {
    const t = tensors[k];
    if (t.backend !== first.backend) throw new Error(`${op}: inputs live on different backends (${first.backend.name} and ${t.backend.name})`);
    if (t.dtype !== first.dtype) throw new Error(`${op}: inputs differ in dtype (${first.dtype} '${def.inputs[0]}', ${t.dtype} '${k}')`);
    if (!def.outputShape && !sameShape(t.shape, first.shape)) {
      throw new Error(`${op}: inputs must share one shape (give outputShape to defineKernel otherwise): '${def.inputs[0]}' ${fmt(first.shape)}, '${k}' ${fmt(t.shape)}`);
    }
  }
  const given = (hasScalars ? last : {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!scalars.includes(key as S)) throw new Error(`${op}: unknown scalar '${key}' (expected ${scalars.length ? scalars.join(', ') : 'none'})`);
  }
  const values = {} as Record<S, number>;
  for (const s of scalars) {
    const v = given[s];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: scalar '${s}' must be a finite number, got ${describeValue(v)}; call it as ${usage}`);
    values[s] = v;
  }
  if (def.validate) {
    const shapes = Object.fromEntries(def.inputs.map((k) => [k, tensors[k].shape])) as Record<I, Shape>;
    let message: string | void;
    try {
      message = def.validate(shapes, values);
    } catch (e) {
      message = (e as Error).message;
    }
    if (message) throw new Error(`${op}: ${message}`);
  }
  return { tensors, values };
}

function run<I extends string, S extends string>(
  be: Backend, def: KernelDefinition<I, S>, program: SourceProgram, inputs: TensorData[], dtype: TensorData['dtype'],
  outShape: Shape, values: Record<S, number>,
): TensorData {
  const n = sizeOf(outShape);
  if (be instanceof WebGPUBackend) {
    const out = be.out(outShape, dtype, def.name);
    const buffers = Object.fromEntries(def.inputs.map((k, j) => [k, inputs[j].storage as never]));
    be.launch(program, { threads: n }, { ...buffers, y: out.storage }, { n, ...values });
    return out;
  }
  if (!be.readSync) {
    throw new Error(`${def.name}: the ${be.name} backend has neither a WGSL path nor synchronous reads for the cpu function`);
  }
  const host = Object.fromEntries(def.inputs.map((k, j) => [k, be.readSync!(inputs[j])])) as Record<I, TypedArray>;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = def.cpu(i, host, values);
  return be.upload(out, outShape, dtype);
}

function checkShape(where: string, shape: Shape): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${where}: outputShape returned ${JSON.stringify(shape)}, expected an array of non-negative integers`);
  }
}


function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}
