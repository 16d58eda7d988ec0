/**
 * The source of the CPU backend's WebAssembly SIMD GEMM: this file emits its
 * functions (kernel-module.ts assembles the module, scripts/gen-wasm.ts writes
 * it to kernels.generated.ts, which the engine loads; test/cpu-wasm.test.ts
 * fails when that file is stale).
 *
 * It is the classic BLIS structure, with the layout of gemm-layout.ts:
 *
 * - `packA` copies an MC x KC block of A into strips of MR rows, k-major
 *   (strip[k][0..MR)), zero-padding the last strip;
 * - `packB` copies a KC x NC block of B into strips of NR columns, k-major;
 * - `macro` runs the micro-kernel over every MR x NR tile of the block: an
 *   MR x NR tile of C lives in MR*NR/4 f32x4 registers while k runs, each step
 *   one broadcast load of A per row and NR/4 vector loads of B, then the
 *   epilogue (bias as the starting value, accumulate, ReLU) on store;
 * - `gemmTask` is one thread's share of a job: it loops over N, K and M
 *   blocks, packing and calling `macro`.
 *
 * Both operands are packed through offset tables (see gemm-layout.ts), so the
 * same routine reads a plain matrix, a transposed one, or an image through the
 * im2col mapping without ever materialising the im2col matrix.
 *
 * The register tile (MR x NR) is a parameter; x64 has 16 vector registers,
 * which bounds MR*NR/4 + NR/4 + 1.
 */
import { JOB, MODE, TASK } from './gemm-layout.js';
import {
  block, brIf, call, cat, f32, f32x4, Fn, forRange, get, i32, i32x4, ifThen, loop, set, v128, type Code, type Local,
} from './wasm-encoder.js';

export interface GemmKernelOptions {
  /** Rows of the register tile. */
  readonly mr: number;
  /** Columns of the register tile, a multiple of 4. */
  readonly nr: number;
  /** Use relaxed SIMD's f32x4.relaxed_madd in the micro-kernel (only where it validates). */
  readonly fma: boolean;
}

/** Function indices: the GEMM's functions come first in the module, in this order. */
const FN = { packA: 0, packB: 1, macro: 2, gemmTask: 3, scatterBlock: 4 } as const;

const c = i32.const;
const add = i32.add;
const shl2 = (x: Code): Code => i32.shl(x, c(2));
const inc = (l: Local, n: number): Code => set(l, add(get(l), c(n)));

function packA(mr: number): Fn {
  const f = new Fn('packA', [['dst', 'i32'], ['src', 'i32'], ['rowTab', 'i32'], ['colTab', 'i32'], ['mc', 'i32'], ['kc', 'i32']]);
  const [dst, src, rowTab, colTab, mc, kc] = f.params;
  const ir = f.local('ir', 'i32');
  const rows = f.local('rows', 'i32');
  const ct = f.local('ct', 'i32');
  const ctEnd = f.local('ctEnd', 'i32');
  const off = f.local('off', 'i32');
  const adjacent = f.local('adjacent', 'i32');
  const r = Array.from({ length: mr }, (_, i) => f.local(`r${i}`, 'i32'));
  const groups = mr % 4 === 0 ? mr / 4 : 0;
  const rowsV = Array.from({ length: 4 }, (_, i) => f.local(`v${i}`, 'v128'));
  const tv = Array.from({ length: 4 }, (_, i) => f.local(`t${i}`, 'v128'));
  const colAt = (i: number): Code => i32.load(get(ct), 4 * i);
  const scalarK: Code[] = [
    set(off, shl2(i32.load(get(ct)))),
    ...r.map((ri, i) => f32.store(get(dst), f32.load(add(get(ri), get(off))), 4 * i)),
    inc(dst, 4 * mr),
    inc(ct, 4),
  ];
  // Four consecutive k that are contiguous in every row: four vector loads per row group, a 4x4 transpose.
  const fourK: Code[] = [
    set(off, shl2(i32.load(get(ct)))),
    ...Array.from({ length: groups }, (_, gi) => [
      ...rowsV.map((v, i) => set(v, v128.load(add(get(r[4 * gi + i]), get(off))))),
      set(tv[0], i32x4.shuffle(get(rowsV[0]), get(rowsV[1]), [0, 4, 1, 5])),
      set(tv[1], i32x4.shuffle(get(rowsV[0]), get(rowsV[1]), [2, 6, 3, 7])),
      set(tv[2], i32x4.shuffle(get(rowsV[2]), get(rowsV[3]), [0, 4, 1, 5])),
      set(tv[3], i32x4.shuffle(get(rowsV[2]), get(rowsV[3]), [2, 6, 3, 7])),
      v128.store(get(dst), i32x4.shuffle(get(tv[0]), get(tv[2]), [0, 1, 4, 5]), 4 * (0 * mr + 4 * gi)),
      v128.store(get(dst), i32x4.shuffle(get(tv[0]), get(tv[2]), [2, 3, 6, 7]), 4 * (1 * mr + 4 * gi)),
      v128.store(get(dst), i32x4.shuffle(get(tv[1]), get(tv[3]), [0, 1, 4, 5]), 4 * (2 * mr + 4 * gi)),
      v128.store(get(dst), i32x4.shuffle(get(tv[1]), get(tv[3]), [2, 3, 6, 7]), 4 * (3 * mr + 4 * gi)),
    ]).flat(),
    inc(dst, 16 * mr),
    inc(ct, 16),
  ];
  const contiguous4 = i32.and(
    i32.and(i32.le_s(add(get(ct), c(12)), i32.sub(get(ctEnd), c(4))), i32.eq(colAt(1), add(colAt(0), c(1)))),
    i32.and(i32.eq(colAt(2), add(colAt(0), c(2))), i32.eq(colAt(3), add(colAt(0), c(3)))),
  );
  const isAdjacent = r.slice(1).reduce<Code>((acc, ri, i) => i32.and(acc, i32.eq(get(ri), add(get(r[0]), c(4 * (i + 1))))), c(1));
  f.emit(
    set(ctEnd, add(get(colTab), shl2(get(kc)))),
    forRange(ir, c(0), get(mc), mr,
      set(rows, i32.sub(get(mc), get(ir))),
      // Row pointers of the strip (rows past mc point at row 0 and are stored as zeros).
      ...r.map((ri, i) => set(ri, add(get(src), shl2(i32.load(add(get(rowTab), shl2(i32.select(add(get(ir), c(i)), c(0), i32.lt_s(c(i), get(rows)))))))))),
      set(ct, get(colTab)),
      set(adjacent, groups ? isAdjacent : c(0)),
      ifThen(i32.lt_s(get(rows), c(mr)), [
        // The last, partial strip: element by element, zeros past mc.
        block(loop(
          set(off, shl2(i32.load(get(ct)))),
          ...r.map((ri, i) => f32.store(get(dst), selectF32(f32.load(add(get(ri), get(off))), i32.lt_s(c(i), get(rows))), 4 * i)),
          inc(dst, 4 * mr),
          inc(ct, 4),
          brIf(0, i32.lt_s(get(ct), get(ctEnd))),
        )),
      ], [
        ifThen(get(adjacent), [
          // The strip's rows are adjacent floats (A is a transposed contiguous matrix, or the taps of one channel run):
          // each k is one vector load per four rows.
          block(loop(
            set(off, shl2(i32.load(get(ct)))),
            ...Array.from({ length: groups }, (_, gi) => v128.store(get(dst), v128.load(add(get(r[0]), get(off)), 16 * gi), 16 * gi)),
            inc(dst, 4 * mr),
            inc(ct, 4),
            brIf(0, i32.lt_s(get(ct), get(ctEnd))),
          )),
        ], [
          block(loop(
            groups ? ifThen(contiguous4, fourK, scalarK) : cat(...scalarK),
            brIf(0, i32.lt_s(get(ct), get(ctEnd))),
          )),
        ]),
      ]),
    ),
  );
  return f;
}

/** f32 select(x, 0.0, cond): x when cond != 0. */
function selectF32(x: Code, cond: Code): Code {
  return [...x, ...f32.const(0), ...cond, 0x1b];
}

function packB(nr: number): Fn {
  const f = new Fn('packB', [['dst', 'i32'], ['src', 'i32'], ['rowTab', 'i32'], ['colTab', 'i32'], ['kc', 'i32'], ['nc', 'i32'], ['contig', 'i32']]);
  const [dst, src, rowTab, colTab, kc, nc, contig] = f.params;
  const jr = f.local('jr', 'i32');
  const cols = f.local('cols', 'i32');
  const rt = f.local('rt', 'i32');
  const rtEnd = f.local('rtEnd', 'i32');
  const p = f.local('p', 'i32');
  const colBase = f.local('colBase', 'i32');
  const cj = Array.from({ length: nr }, (_, j) => f.local(`c${j}`, 'i32'));
  const rowPtr = (): Code => add(get(src), shl2(i32.load(get(rt))));
  const kLoop = (...body: Code[]): Code =>
    block(loop(set(p, rowPtr()), ...body, inc(dst, 4 * nr), inc(rt, 4), brIf(0, i32.lt_s(get(rt), get(rtEnd)))));
  f.emit(
    set(rtEnd, add(get(rowTab), shl2(get(kc)))),
    forRange(jr, c(0), get(nc), nr,
      set(cols, i32.sub(get(nc), get(jr))),
      set(rt, get(rowTab)),
      ifThen(i32.and(i32.ge_s(get(cols), c(nr)), get(contig)), [
        set(colBase, shl2(i32.load(add(get(colTab), shl2(get(jr)))))),
        kLoop(
          set(p, add(get(p), get(colBase))),
          ...Array.from({ length: nr / 4 }, (_, v) => v128.store(get(dst), v128.load(get(p), 16 * v), 16 * v)),
        ),
      ], [
        // Column offsets of the strip; columns past nc read column 0 and are stored as zeros.
        ...cj.map((cl, j) => set(cl, shl2(i32.load(add(get(colTab), shl2(i32.select(add(get(jr), c(j)), c(0), i32.lt_s(c(j), get(cols))))))))),
        kLoop(...cj.map((cl, j) => f32.store(get(dst), selectF32(f32.load(add(get(p), get(cl))), i32.lt_s(c(j), get(cols))), 4 * j))),
      ]),
    ),
  );
  return f;
}

function macro(mr: number, nr: number, fma: boolean): Fn {
  const f = new Fn('macro', [
    ['mc', 'i32'], ['nc', 'i32'], ['kc', 'i32'], ['aPack', 'i32'], ['bPack', 'i32'], ['cPtr', 'i32'], ['ldcBytes', 'i32'],
    ['mode', 'i32'], ['bias', 'i32'], ['tile', 'i32'],
  ]);
  const [mc, nc, kc, aPack, bPack, cPtr, ldcBytes, mode, bias, tile] = f.params;
  const nv = nr / 4;
  const ir = f.local('ir', 'i32');
  const jr = f.local('jr', 'i32');
  const pa = f.local('pa', 'i32');
  const pb = f.local('pb', 'i32');
  const pbEnd = f.local('pbEnd', 'i32');
  const rows = f.local('rows', 'i32');
  const cols = f.local('cols', 'i32');
  const cRow = f.local('cRow', 'i32');
  const i = f.local('i', 'i32');
  const j = f.local('j', 'i32');
  const t = f.local('t', 'i32');
  const q = f.local('q', 'i32');
  const x = f.local('x', 'f32');
  const acc = Array.from({ length: mr }, (_, r) => Array.from({ length: nv }, (_, v) => f.local(`acc${r}_${v}`, 'v128')));
  const b = Array.from({ length: nv }, (_, v) => f.local(`b${v}`, 'v128'));
  const a = f.local('a', 'v128');
  const zero = f.local('zero', 'v128');
  const has = (bit: number): Code => i32.and(get(mode), c(bit));
  const all = (fn: (r: number, v: number) => Code): Code[] => acc.flatMap((row, r) => row.map((_, v) => fn(r, v)));
  const rowAddr = (r: number): Code => add(get(cRow), i32.mul(c(r), get(ldcBytes)));

  const step: Code[] = [
    ...b.map((bv, v) => set(bv, v128.load(get(pb), 16 * v))),
    ...acc.flatMap((row, r) => [
      set(a, v128.load32_splat(get(pa), 4 * r)),
      ...row.map((accv, v) => set(accv, fma ? f32x4.relaxed_madd(get(a), get(b[v]), get(accv)) : f32x4.add(get(accv), f32x4.mul(get(a), get(b[v]))))),
    ]),
    inc(pa, 4 * mr),
    inc(pb, 4 * nr),
  ];

  f.emit(
    set(zero, v128.zero()),
    forRange(jr, c(0), get(nc), nr,
      set(cols, i32.sub(get(nc), get(jr))),
      forRange(ir, c(0), get(mc), mr,
        set(rows, i32.sub(get(mc), get(ir))),
        ifThen(has(MODE.initBias), all((r, v) => set(acc[r][v], v128.load(add(get(bias), shl2(get(jr))), 16 * v))), all((r, v) => set(acc[r][v], get(zero)))),
        set(pa, add(get(aPack), i32.mul(get(ir), shl2(get(kc))))),
        set(pb, add(get(bPack), i32.mul(get(jr), shl2(get(kc))))),
        set(pbEnd, add(get(pb), i32.mul(get(kc), c(4 * nr)))),
        block(loop(...step, brIf(0, i32.lt_s(get(pb), get(pbEnd))))),
        set(cRow, add(add(get(cPtr), i32.mul(get(ir), get(ldcBytes))), shl2(get(jr)))),
        ifThen(i32.and(i32.ge_s(get(rows), c(mr)), i32.ge_s(get(cols), c(nr))), [
          ifThen(has(MODE.accumulate), all((r, v) => set(acc[r][v], f32x4.add(get(acc[r][v]), v128.load(rowAddr(r), 16 * v))))),
          ifThen(has(MODE.relu), all((r, v) => set(acc[r][v], f32x4.max(get(acc[r][v]), get(zero))))),
          ...all((r, v) => v128.store(rowAddr(r), get(acc[r][v]), 16 * v)),
        ], [
          // An edge tile: through the scratch tile, element by element.
          ...all((r, v) => v128.store(get(tile), get(acc[r][v]), 16 * (r * nv + v))),
          forRange(i, c(0), i32.select(get(rows), c(mr), i32.lt_s(get(rows), c(mr))), 1,
            forRange(j, c(0), i32.select(get(cols), c(nr), i32.lt_s(get(cols), c(nr))), 1,
              set(t, add(get(tile), shl2(add(i32.mul(get(i), c(nr)), get(j))))),
              set(q, add(add(get(cRow), i32.mul(get(i), get(ldcBytes))), shl2(get(j)))),
              set(x, f32.load(get(t))),
              ifThen(has(MODE.accumulate), [set(x, f32.add(get(x), f32.load(get(q))))]),
              ifThen(has(MODE.relu), [set(x, f32.max(get(x), f32.const(0)))]),
              f32.store(get(q), get(x)),
            ),
          ),
        ]),
      ),
    ),
  );
  return f;
}

/**
 * dst[rowTab[i] + colTab[j]] += src[i, j] for an mc x nc block (row stride
 * ldsBytes): the col2im of the input gradient. Four columns at once where their
 * targets are four consecutive floats (a run of channels).
 */
function scatterBlock(): Fn {
  const f = new Fn('scatterBlock', [['src', 'i32'], ['ldsBytes', 'i32'], ['mc', 'i32'], ['nc', 'i32'], ['dst', 'i32'], ['rowTab', 'i32'], ['colTab', 'i32']]);
  const [src, ldsBytes, mc, nc, dst, rowTab, colTab] = f.params;
  const i = f.local('i', 'i32');
  const j = f.local('j', 'i32');
  const d = f.local('d', 'i32');
  const s = f.local('s', 'i32');
  const ct = f.local('ct', 'i32');
  const a = f.local('a', 'i32');
  const colAt = (k: number): Code => i32.load(get(ct), 4 * k);
  const four = i32.and(
    i32.and(i32.le_s(add(get(j), c(4)), get(nc)), i32.eq(colAt(1), add(colAt(0), c(1)))),
    i32.and(i32.eq(colAt(2), add(colAt(0), c(2))), i32.eq(colAt(3), add(colAt(0), c(3)))),
  );
  f.emit(
    forRange(i, c(0), get(mc), 1,
      set(d, add(get(dst), shl2(i32.load(add(get(rowTab), shl2(get(i))))))),
      set(s, add(get(src), i32.mul(get(i), get(ldsBytes)))),
      set(ct, get(colTab)),
      forRange(j, c(0), get(nc), 0,
        set(a, add(get(d), shl2(colAt(0)))),
        ifThen(four, [
          v128.store(get(a), f32x4.add(v128.load(get(a)), v128.load(get(s)))),
          inc(s, 16), inc(ct, 16), inc(j, 4),
        ], [
          f32.store(get(a), f32.add(f32.load(get(a)), f32.load(get(s)))),
          inc(s, 4), inc(ct, 4), inc(j, 1),
        ]),
      ),
    ),
  );
  return f;
}

function gemmTask(): Fn {
  const f = new Fn('gemmTask', [['job', 'i32'], ['task', 'i32']]);
  const [job, task] = f.params;
  const field = (base: Local, word: number): Code => i32.load(get(base), 4 * word);
  const N = f.local('N', 'i32');
  const ldc = f.local('ldc', 'i32');
  const MC = f.local('MC', 'i32');
  const KC = f.local('KC', 'i32');
  const NC = f.local('NC', 'i32');
  const m1 = f.local('m1', 'i32');
  const k0 = f.local('k0', 'i32');
  const k1 = f.local('k1', 'i32');
  const bias = f.local('bias', 'i32');
  const jc = f.local('jc', 'i32');
  const pc = f.local('pc', 'i32');
  const ic = f.local('ic', 'i32');
  const nc = f.local('nc', 'i32');
  const kc = f.local('kc', 'i32');
  const mc = f.local('mc', 'i32');
  const mode = f.local('mode', 'i32');
  const scatter = f.local('scatter', 'i32');
  const cBlock = f.local('cBlock', 'i32');
  const min = (a: Code, b: Code): Code => i32.select(a, b, i32.lt_s(a, b));
  f.emit(
    set(N, field(job, JOB.N)),
    set(ldc, field(job, JOB.ldc)),
    set(MC, field(job, JOB.MC)),
    set(KC, field(job, JOB.KC)),
    set(NC, field(job, JOB.NC)),
    set(bias, field(job, JOB.bias)),
    set(scatter, field(job, JOB.scatter)),
    set(m1, field(task, TASK.m1)),
    set(k0, field(task, TASK.k0)),
    set(k1, field(task, TASK.k1)),
    forRange(jc, c(0), get(N), 0,
      set(nc, min(get(NC), i32.sub(get(N), get(jc)))),
      forRange(pc, get(k0), get(k1), 0,
        set(kc, min(get(KC), i32.sub(get(k1), get(pc)))),
        call(FN.packB, field(task, TASK.bPack), field(job, JOB.bSrc), add(field(job, JOB.bRowTab), shl2(get(pc))),
          add(field(job, JOB.bColTab), shl2(get(jc))), get(kc), get(nc), field(job, JOB.bContig)),
        set(mode, i32.or(
          i32.select(i32.select(c(MODE.initBias), c(0), get(bias)), c(MODE.accumulate), i32.eq(get(pc), get(k0))),
          i32.select(c(MODE.relu), c(0), i32.and(field(job, JOB.relu), i32.ge_s(add(get(pc), get(kc)), get(k1)))),
        )),
        forRange(ic, field(task, TASK.m0), get(m1), 0,
          set(mc, min(get(MC), i32.sub(get(m1), get(ic)))),
          call(FN.packA, field(task, TASK.aPack), field(job, JOB.aSrc), add(field(job, JOB.aRowTab), shl2(get(ic))),
            add(field(job, JOB.aColTab), shl2(get(pc))), get(mc), get(kc)),
          // C(ic, jc) in the output, or the task's scratch block when scattering.
          set(cBlock, i32.select(field(task, TASK.c), add(field(task, TASK.c), shl2(add(i32.mul(get(ic), get(ldc)), get(jc)))), get(scatter))),
          call(FN.macro, get(mc), get(nc), get(kc), field(task, TASK.aPack), field(task, TASK.bPack), get(cBlock), shl2(get(ldc)),
            get(mode), add(get(bias), shl2(get(jc))), field(task, TASK.tile)),
          ifThen(get(scatter), [
            call(FN.scatterBlock, get(cBlock), shl2(get(ldc)), get(mc), get(nc), field(job, JOB.sDst),
              add(field(job, JOB.sRowTab), shl2(get(ic))), add(field(job, JOB.sColTab), shl2(get(jc)))),
          ]),
          set(ic, add(get(ic), get(mc))),
        ),
        set(pc, add(get(pc), get(kc))),
      ),
      set(jc, add(get(jc), get(nc))),
    ),
  );
  return f;
}

/** The GEMM's functions, to be placed first in the module (they call each other by index). */
export function gemmFunctions(options: GemmKernelOptions): Fn[] {
  const { mr, nr, fma } = options;
  if (nr % 4 !== 0 || mr < 1) throw new Error(`gemmFunctions: nr must be a multiple of 4 and mr >= 1, got mr=${mr} nr=${nr}`);
  const fns = [packA(mr), packB(nr), macro(mr, nr, fma), gemmTask(), scatterBlock()];
  fns.forEach((fn, i) => {
    if (FN[fn.name as keyof typeof FN] !== i) throw new Error(`gemmFunctions: function order (${fn.name} at ${i})`);
  });
  return fns;
}
