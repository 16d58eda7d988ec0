/**
 * A small WebAssembly binary encoder, enough to write the CPU backend's GEMM
 * kernels by hand in TypeScript (jax-js builds its wasm kernels the same way).
 *
 * Code is written as folded expressions: every helper returns the bytes of one
 * expression or statement (`Code`), with its operands' bytes first, so
 * `i32.add(get(i), i32.const(1))` reads like WAT's `(i32.add (local.get $i)
 * (i32.const 1))`. Functions declare named locals; `Fn.code` is a list of
 * statements. `encodeModule` writes the module: one imported memory
 * (`env.memory`, shared or not) and the exported functions.
 *
 * Only the generator (scripts/gen-wasm.ts) and the staleness test import this
 * file: the engine loads the committed bytes (kernels.generated.ts).
 */

export type Code = number[];
export type ValType = 'i32' | 'f32' | 'v128';

const TYPE_BYTE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

export interface Local {
  readonly index: number;
  readonly type: ValType;
  readonly name: string;
}

export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`wasm-encoder: uleb of ${n}`);
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

export function sleb(n: number): number[] {
  if (!Number.isInteger(n)) throw new Error(`wasm-encoder: sleb of ${n}`);
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function str(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Statements in sequence. */
export const cat = (...parts: Code[]): Code => parts.flat();

/** memarg: alignment exponent and a constant byte offset. */
const memarg = (align: number, offset: number) => [...uleb(align), ...uleb(offset)];
const simd = (op: number) => [0xfd, ...uleb(op)];

export const get = (l: Local): Code => [0x20, ...uleb(l.index)];
export const set = (l: Local, value: Code): Code => [...value, 0x21, ...uleb(l.index)];
export const drop = (value: Code): Code => [...value, 0x1a];
/** Calls the function with this index in the module (its position in encodeModule's list). */
export const call = (index: number, ...args: Code[]): Code => cat(...args, [0x10], uleb(index));

export const i32 = {
  const: (n: number): Code => [0x41, ...sleb(n | 0)],
  add: (a: Code, b: Code): Code => cat(a, b, [0x6a]),
  sub: (a: Code, b: Code): Code => cat(a, b, [0x6b]),
  mul: (a: Code, b: Code): Code => cat(a, b, [0x6c]),
  and: (a: Code, b: Code): Code => cat(a, b, [0x71]),
  or: (a: Code, b: Code): Code => cat(a, b, [0x72]),
  shl: (a: Code, b: Code): Code => cat(a, b, [0x74]),
  eqz: (a: Code): Code => cat(a, [0x45]),
  eq: (a: Code, b: Code): Code => cat(a, b, [0x46]),
  ne: (a: Code, b: Code): Code => cat(a, b, [0x47]),
  lt_s: (a: Code, b: Code): Code => cat(a, b, [0x48]),
  gt_s: (a: Code, b: Code): Code => cat(a, b, [0x4a]),
  le_s: (a: Code, b: Code): Code => cat(a, b, [0x4c]),
  ge_s: (a: Code, b: Code): Code => cat(a, b, [0x4e]),
  /** select(a, b, cond): a when cond != 0, else b. */
  select: (a: Code, b: Code, cond: Code): Code => cat(a, b, cond, [0x1b]),
  load: (addr: Code, offset = 0): Code => cat(addr, [0x28], memarg(2, offset)),
  store: (addr: Code, value: Code, offset = 0): Code => cat(addr, value, [0x36], memarg(2, offset)),
};

export const f32 = {
  const: (x: number): Code => {
    const b = new Uint8Array(new Float32Array([x]).buffer);
    return [0x43, ...b];
  },
  add: (a: Code, b: Code): Code => cat(a, b, [0x92]),
  gt: (a: Code, b: Code): Code => cat(a, b, [0x5e]),
  le: (a: Code, b: Code): Code => cat(a, b, [0x5f]),
  /** select(a, b, cond): a when cond != 0, else b. */
  select: (a: Code, b: Code, cond: Code): Code => cat(a, b, cond, [0x1b]),
  /** NaN if either is NaN, and -0 < +0 (so max(x, 0) is a ReLU that keeps NaN). */
  max: (a: Code, b: Code): Code => cat(a, b, [0x97]),
  load: (addr: Code, offset = 0): Code => cat(addr, [0x2a], memarg(2, offset)),
  store: (addr: Code, value: Code, offset = 0): Code => cat(addr, value, [0x38], memarg(2, offset)),
};

export const v128 = {
  zero: (): Code => [...simd(0x0c), ...new Array(16).fill(0)],
  /** A constant of four i32 lanes. */
  i32Lanes: (lanes: [number, number, number, number]): Code => [...simd(0x0c), ...new Uint8Array(new Int32Array(lanes).buffer)],
  and: (a: Code, b: Code): Code => cat(a, b, simd(0x4e)),
  /** a & ~b. */
  andnot: (a: Code, b: Code): Code => cat(a, b, simd(0x4f)),
  /** Bits of a where mask is set, of b elsewhere. */
  bitselect: (a: Code, b: Code, mask: Code): Code => cat(a, b, mask, simd(0x52)),
  load: (addr: Code, offset = 0): Code => cat(addr, simd(0x00), memarg(4, offset)),
  /** Loads one f32 and copies it into all four lanes. */
  load32_splat: (addr: Code, offset = 0): Code => cat(addr, simd(0x09), memarg(2, offset)),
  store: (addr: Code, value: Code, offset = 0): Code => cat(addr, value, simd(0x0b), memarg(4, offset)),
};

export const i32x4 = {
  splat: (x: Code): Code => cat(x, simd(0x11)),
  add: (a: Code, b: Code): Code => cat(a, b, simd(0xae)),
  /** Lanes of a (0-3) and b (4-7), picked by four lane indices (i8x16.shuffle underneath). */
  shuffle: (a: Code, b: Code, lanes: [number, number, number, number]): Code =>
    cat(a, b, simd(0x0d), lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])),
};

export const f64 = {
  convertI32S: (a: Code): Code => cat(a, [0xb7]),
};

export const f64x2 = {
  splat: (x: Code): Code => cat(x, simd(0x14)),
  add: (a: Code, b: Code): Code => cat(a, b, simd(0xf0)),
  sub: (a: Code, b: Code): Code => cat(a, b, simd(0xf1)),
  mul: (a: Code, b: Code): Code => cat(a, b, simd(0xf2)),
  /** Lanes 0 and 1 of an f32x4, widened. */
  promoteLow: (a: Code): Code => cat(a, simd(0x5f)),
};

export const f32x4 = {
  /** Lane-wise a > b: all ones where true (false for NaN). */
  gt: (a: Code, b: Code): Code => cat(a, b, simd(0x44)),
  /** Lane-wise a <= b (false for NaN). */
  le: (a: Code, b: Code): Code => cat(a, b, simd(0x45)),
  /** An f64x2 narrowed into lanes 0 and 1, zeros in 2 and 3. */
  demoteZero: (a: Code): Code => cat(a, simd(0x5e)),
  add: (a: Code, b: Code): Code => cat(a, b, simd(0xe4)),
  mul: (a: Code, b: Code): Code => cat(a, b, simd(0xe6)),
  /** Lane-wise; NaN if either lane is NaN, -0 < +0. */
  max: (a: Code, b: Code): Code => cat(a, b, simd(0xe9)),
  /** a * b + c; relaxed SIMD: fused or not, as the platform does it. */
  relaxed_madd: (a: Code, b: Code, c: Code): Code => cat(a, b, c, simd(0x105)),
};

// Structured control flow. Branch depths count enclosing blocks/loops/ifs from the inside out.
export const block = (...body: Code[]): Code => cat([0x02, 0x40], ...body, [0x0b]);
export const loop = (...body: Code[]): Code => cat([0x03, 0x40], ...body, [0x0b]);
export const br = (depth: number): Code => [0x0c, ...uleb(depth)];
export const brIf = (depth: number, cond: Code): Code => cat(cond, [0x0d], uleb(depth));
export const ifThen = (cond: Code, then: Code[], otherwise: Code[] = []): Code =>
  cat(cond, [0x04, 0x40], ...then, otherwise.length ? [0x05] : [], ...otherwise, [0x0b]);

/**
 * for (i = start; i < end; i += step) body. `end` is re-evaluated every
 * iteration (pass a local). With step 0 the body advances i itself. Inside
 * body, depth 0 is the loop (a branch to it skips the increment) and depth 1
 * leaves the loop.
 */
export function forRange(i: Local, start: Code, end: Code, step: number, ...body: Code[]): Code {
  const advance = step === 0 ? [] : set(i, i32.add(get(i), i32.const(step)));
  return cat(set(i, start), block(loop(brIf(1, i32.ge_s(get(i), end)), ...body, advance, br(0))));
}

/** One function: named parameters and locals, statements, an optional export name. */
export class Fn {
  readonly params: Local[] = [];
  readonly locals: Local[] = [];
  readonly code: Code[] = [];

  constructor(
    readonly name: string,
    params: [string, ValType][],
  ) {
    for (const [n, t] of params) this.params.push({ index: this.params.length, type: t, name: n });
  }

  param(name: string): Local {
    const p = this.params.find((l) => l.name === name);
    if (!p) throw new Error(`wasm-encoder: ${this.name} has no parameter '${name}'`);
    return p;
  }

  local(name: string, type: ValType): Local {
    const l: Local = { index: this.params.length + this.locals.length, type, name };
    this.locals.push(l);
    return l;
  }

  emit(...statements: Code[]): void {
    this.code.push(...statements);
  }
}

export interface MemoryImport {
  /** Initial and maximum size in 64 KiB pages. */
  readonly initialPages: number;
  readonly maximumPages: number;
  /** A shared memory (SharedArrayBuffer underneath), for worker threads. */
  readonly shared: boolean;
}

/** A module importing `env.memory` and exporting every function by its name. No results, i32/f32/v128 params. */
export function encodeModule(fns: Fn[], memory: MemoryImport): Uint8Array {
  const types = fns.map((f) => [0x60, ...vec(f.params.map((p) => [TYPE_BYTE[p.type]])), 0x00]);
  const limits = memory.shared
    ? [0x03, ...uleb(memory.initialPages), ...uleb(memory.maximumPages)]
    : [0x01, ...uleb(memory.initialPages), ...uleb(memory.maximumPages)];
  const imports = vec([[...str('env'), ...str('memory'), 0x02, ...limits]]);
  const funcs = vec(fns.map((_, i) => uleb(i)));
  const exportsSec = vec(fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]));
  const bodies = fns.map((f) => {
    // Locals run-length encoded by type, in declaration order.
    const groups: number[][] = [];
    for (const l of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === TYPE_BYTE[l.type]) last[0]++;
      else groups.push([1, TYPE_BYTE[l.type]]);
    }
    const body = [...vec(groups.map(([n, t]) => [...uleb(n), t])), ...f.code.flat(), 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exportsSec),
    ...section(10, vec(bodies)),
  ]);
}
