/**
 * The memory-bound kernels of a training step, in WebAssembly SIMD, for
 * tensors that live in wasm memory (see wasm-runtime.ts): on this machine a
 * four-lane loop moves data about five times faster than the same loop over
 * typed arrays in JS. Each matches its JS twin in cpu/ (elementwise.ts,
 * pool.ts, reduce.ts) element for element, except where noted.
 *
 * - `reluBackward`: dx = y > 0 ? dy : 0 (a NaN y gives 0, as in JS);
 * - `maxPool2x2`: 2x2 windows inside the input, channels a multiple of 4:
 *   the four taps compared in scan order with a strict >, so the first
 *   maximum wins and its flat NHWC index is recorded, as pool.ts does;
 * - `scatterAdd`: dx[index[i]] += dy[i] (max-pool's backward);
 * - `columnSums`: the sum over rows of a [rows, cols] matrix (a bias
 *   gradient), cols a multiple of 4: blocks of 16 rows summed in float32, the
 *   blocks added in float64 (JS adds every element in float64; the results
 *   differ by float32 rounding of 16-term sums).
 * - `relu`: y = x <= 0 ? 0 : x (NaN stays NaN, -0 becomes +0);
 * - `add`: out = a + b for two operands of one shape (the residual sums and
 *   the gradients' accumulation); a float32 sum rounded once, as JS's float64
 *   sum stored to float32 is;
 * - batch norm over a [rows, cols] view (cols = channels, a multiple of 4),
 *   the JS kernels of normalization.ts and reductions.ts (moments) step for
 *   step in float64 lanes (f64x2), so the results are bit for bit theirs:
 *   `columnSumsF64` and `columnSquaredDeviations` (moments' two passes),
 *   `batchNormApply` (the forward pass), `batchNormGradSums` and
 *   `batchNormGradInput` (the backward pass's column sums, then dx). The
 *   per-column float64 arrays (mean, 1/std, ...) are the caller's, in wasm
 *   memory (wasm-batch-norm.ts); the per-column divisions are done there.
 *
 * Addresses are bytes; counts are elements.
 */
import {
  block, br, brIf, f32, f32x4, f64, f64x2, Fn, forRange, get, i32, i32x4, ifThen, loop, set, v128, type Code, type Local,
} from './wasm-encoder.js';

const c = i32.const;
const add = i32.add;
const mul = i32.mul;
const shl2 = (x: Code): Code => i32.shl(x, c(2));
const inc = (l: Local, n: number | Code): Code => set(l, add(get(l), typeof n === 'number' ? c(n) : n));
/** do { body } while (p < end) */
const doWhile = (p: Local, end: Local, ...body: Code[]): Code => block(loop(...body, brIf(0, i32.lt_s(get(p), get(end)))));

/**
 * The loop of the element-wise kernels: four lanes a step while four remain, then one at a time.
 * The pointers advance together (the first one's end bounds the loop); `vector` and `scalar`
 * are one step's statements at their current addresses.
 */
function elementwise(f: Fn, pointers: Local[], n: Local, vector: Code[], scalar: Code[]): Code[] {
  const first = pointers[0];
  const end4 = f.local('end4', 'i32');
  const end = f.local('end', 'i32');
  const step = (bytes: number): Code[] => pointers.map((p) => inc(p, bytes));
  return [
    set(end4, add(get(first), shl2(i32.and(get(n), c(~3))))),
    set(end, add(get(first), shl2(get(n)))),
    ifThen(i32.lt_s(get(first), get(end4)), [doWhile(first, end4, ...vector, ...step(16))]),
    block(loop(brIf(1, i32.ge_s(get(first), get(end))), ...scalar, ...step(4), br(0))),
  ];
}

/** Lanes 0-1 and 2-3 of an f32x4, widened to f64x2. */
const low = (v: Code): Code => f64x2.promoteLow(v);
const high = (v: Local): Code => f64x2.promoteLow(i32x4.shuffle(get(v), get(v), [2, 3, 0, 1]));
/** Two f64x2 narrowed back into one f32x4 (lanes of a, then of b). */
const narrow = (a: Code, b: Code): Code => i32x4.shuffle(f32x4.demoteZero(a), f32x4.demoteZero(b), [0, 1, 4, 5]);

/**
 * The walk of the batch-norm kernels over a [rows, cols] f32 matrix, cols a multiple of 4: `o`
 * is the byte offset of 4 columns (the same in every [rows, cols] operand), `c8` the byte
 * offset of their first column in the float64 per-column arrays (8 bytes a column, so the
 * next two columns are 16 bytes on). `bytes` = rows * cols * 4, `rowBytes` = cols * 4.
 */
function columnWalk(f: Fn, bytes: Local, rowBytes: Local, body: (o: Local, c8: Local) => Code[]): Code {
  const o = f.local('o', 'i32');
  const c8 = f.local('c8', 'i32');
  const rowEnd = f.local('rowEnd', 'i32');
  return ifThen(i32.lt_s(c(0), get(bytes)), [
    set(o, c(0)),
    doWhile(o, bytes,
      set(c8, c(0)),
      set(rowEnd, add(get(o), get(rowBytes))),
      doWhile(o, rowEnd, ...body(o, c8), inc(o, 16), inc(c8, 32)),
    ),
  ]);
}
/** The f64x2 of a per-column array at columns c8/8 + 2 half, 2 half + 1. */
const column = (array: Local, c8: Local, half: 0 | 1): Code => v128.load(add(get(array), get(c8)), 16 * half);
const at = (base: Local, o: Local): Code => add(get(base), get(o));
/** array[c8 half] += value (an f64x2). */
const accumulate = (array: Local, c8: Local, half: 0 | 1, value: Code): Code =>
  v128.store(add(get(array), get(c8)), f64x2.add(column(array, c8, half), value), 16 * half);

function relu(): Fn {
  const f = new Fn('relu', [['x', 'i32'], ['y', 'i32'], ['n', 'i32']]);
  const [x, y, n] = f.params;
  const zero = f.local('zero', 'v128');
  const v = f.local('v', 'v128');
  const s = f.local('s', 'f32');
  f.emit(
    set(zero, v128.zero()),
    ...elementwise(f, [x, y], n,
      [set(v, v128.load(get(x))), v128.store(get(y), v128.andnot(get(v), f32x4.le(get(v), get(zero))))],
      [set(s, f32.load(get(x))), f32.store(get(y), f32.select(f32.const(0), get(s), f32.le(get(s), f32.const(0))))]),
  );
  return f;
}

function addSameShape(): Fn {
  const f = new Fn('add', [['a', 'i32'], ['b', 'i32'], ['out', 'i32'], ['n', 'i32']]);
  const [a, b, out, n] = f.params;
  f.emit(...elementwise(f, [a, b, out], n,
    [v128.store(get(out), f32x4.add(v128.load(get(a)), v128.load(get(b))))],
    [f32.store(get(out), f32.add(f32.load(get(a)), f32.load(get(b))))]));
  return f;
}

/** sums[col] += x[row, col] over the rows, in float64 (moments' first pass; sums zeroed by the caller). */
function columnSumsF64(): Fn {
  const f = new Fn('columnSumsF64', [['x', 'i32'], ['bytes', 'i32'], ['rowBytes', 'i32'], ['sums', 'i32']]);
  const [x, bytes, rowBytes, sums] = f.params;
  const v = f.local('v', 'v128');
  f.emit(columnWalk(f, bytes, rowBytes, (o, c8) => [
    set(v, v128.load(at(x, o))),
    accumulate(sums, c8, 0, low(get(v))),
    accumulate(sums, c8, 1, high(v)),
  ]));
  return f;
}

/** squares[col] += (x[row, col] - mean[col])^2 over the rows, in float64 (moments' second pass). */
function columnSquaredDeviations(): Fn {
  const f = new Fn('columnSquaredDeviations', [['x', 'i32'], ['bytes', 'i32'], ['rowBytes', 'i32'], ['mean', 'i32'], ['squares', 'i32']]);
  const [x, bytes, rowBytes, mean, squares] = f.params;
  const v = f.local('v', 'v128');
  const d = f.local('d', 'v128');
  f.emit(columnWalk(f, bytes, rowBytes, (o, c8) => {
    const half = (h: 0 | 1, wide: Code): Code[] => [
      set(d, f64x2.sub(wide, column(mean, c8, h))),
      accumulate(squares, c8, h, f64x2.mul(get(d), get(d))),
    ];
    return [set(v, v128.load(at(x, o))), ...half(0, low(get(v))), ...half(1, high(v))];
  }));
  return f;
}

/** y = ((x - mean) * rstd) * scale + offset per column, in float64 (normalization.ts's batchNorm). */
function batchNormApply(): Fn {
  const f = new Fn('batchNormApply', [
    ['x', 'i32'], ['y', 'i32'], ['bytes', 'i32'], ['rowBytes', 'i32'], ['mean', 'i32'], ['rstd', 'i32'], ['scale', 'i32'], ['offset', 'i32'],
  ]);
  const [x, y, bytes, rowBytes, mean, rstd, scale, offset] = f.params;
  const v = f.local('v', 'v128');
  f.emit(columnWalk(f, bytes, rowBytes, (o, c8) => {
    const half = (h: 0 | 1, wide: Code): Code =>
      f64x2.add(f64x2.mul(f64x2.mul(f64x2.sub(wide, column(mean, c8, h)), column(rstd, c8, h)), column(scale, c8, h)), column(offset, c8, h));
    return [set(v, v128.load(at(x, o))), v128.store(at(y, o), narrow(half(0, low(get(v))), half(1, high(v))))];
  }));
  return f;
}

/** sumDy[col] += dy; sumDyXhat[col] += (dy * (x - mean)) * rstd, in float64 (batchNormBackward's first pass; sums zeroed by the caller). */
function batchNormGradSums(): Fn {
  const f = new Fn('batchNormGradSums', [
    ['dy', 'i32'], ['x', 'i32'], ['bytes', 'i32'], ['rowBytes', 'i32'], ['mean', 'i32'], ['rstd', 'i32'], ['sumDy', 'i32'], ['sumDyXhat', 'i32'],
  ]);
  const [dy, x, bytes, rowBytes, mean, rstd, sumDy, sumDyXhat] = f.params;
  const vd = f.local('vd', 'v128');
  const vx = f.local('vx', 'v128');
  const d = f.local('d', 'v128');
  f.emit(columnWalk(f, bytes, rowBytes, (o, c8) => {
    const half = (h: 0 | 1, wideDy: Code, wideX: Code): Code[] => [
      set(d, wideDy),
      accumulate(sumDy, c8, h, get(d)),
      accumulate(sumDyXhat, c8, h, f64x2.mul(f64x2.mul(get(d), f64x2.sub(wideX, column(mean, c8, h))), column(rstd, c8, h))),
    ];
    return [set(vd, v128.load(at(dy, o))), set(vx, v128.load(at(x, o))), ...half(0, low(get(vd)), low(get(vx))), ...half(1, high(vd), high(vx))];
  }));
  return f;
}

/**
 * dx of batch norm (batchNormBackward's second pass), in float64: with `training`,
 * kR * ((R * dy - sumDy) - ((x - mean) * rstd) * sumDyXhat), kR = scale * rstd / R; without,
 * dy * kR, the caller passing kR = scale * rstd (the moving statistics are constants then).
 */
function batchNormGradInput(): Fn {
  const f = new Fn('batchNormGradInput', [
    ['dy', 'i32'], ['x', 'i32'], ['dx', 'i32'], ['bytes', 'i32'], ['rowBytes', 'i32'], ['mean', 'i32'], ['rstd', 'i32'],
    ['sumDy', 'i32'], ['sumDyXhat', 'i32'], ['kR', 'i32'], ['R', 'i32'], ['training', 'i32'],
  ]);
  const [dy, x, dx, bytes, rowBytes, mean, rstd, sumDy, sumDyXhat, kR, R, training] = f.params;
  const vd = f.local('vd', 'v128');
  const vx = f.local('vx', 'v128');
  const rows = f.local('rows', 'v128');
  const trained = columnWalk(f, bytes, rowBytes, (o, c8) => {
    const half = (h: 0 | 1, wideDy: Code, wideX: Code): Code => {
      const xhat = f64x2.mul(f64x2.sub(wideX, column(mean, c8, h)), column(rstd, c8, h));
      const inner = f64x2.sub(f64x2.sub(f64x2.mul(get(rows), wideDy), column(sumDy, c8, h)), f64x2.mul(xhat, column(sumDyXhat, c8, h)));
      return f64x2.mul(column(kR, c8, h), inner);
    };
    return [
      set(vd, v128.load(at(dy, o))), set(vx, v128.load(at(x, o))),
      v128.store(at(dx, o), narrow(half(0, low(get(vd)), low(get(vx))), half(1, high(vd), high(vx)))),
    ];
  });
  const frozen = columnWalk(f, bytes, rowBytes, (o, c8) => [
    set(vd, v128.load(at(dy, o))),
    v128.store(at(dx, o), narrow(f64x2.mul(low(get(vd)), column(kR, c8, 0)), f64x2.mul(high(vd), column(kR, c8, 1)))),
  ]);
  f.emit(set(rows, f64x2.splat(f64.convertI32S(get(R)))), ifThen(get(training), [trained], [frozen]));
  return f;
}

function reluBackward(): Fn {
  const f = new Fn('reluBackward', [['dy', 'i32'], ['y', 'i32'], ['dx', 'i32'], ['n', 'i32']]);
  const [dy, y, dx, n] = f.params;
  const zero = f.local('zero', 'v128');
  f.emit(
    set(zero, v128.zero()),
    ...elementwise(f, [dy, y, dx], n,
      [v128.store(get(dx), v128.and(v128.load(get(dy)), f32x4.gt(v128.load(get(y)), get(zero))))],
      [f32.store(get(dx), f32.select(f32.load(get(dy)), f32.const(0), f32.gt(f32.load(get(y)), f32.const(0))))]),
  );
  return f;
}

function maxPool2x2(): Fn {
  const f = new Fn('maxPool2x2', [
    ['x', 'i32'], ['y', 'i32'], ['argmax', 'i32'], ['batch', 'i32'], ['inH', 'i32'], ['inW', 'i32'], ['channels', 'i32'],
    ['outH', 'i32'], ['outW', 'i32'], ['strideH', 'i32'], ['strideW', 'i32'],
  ]);
  const [x, y, argmax, batch, inH, inW, C, outH, outW, strideH, strideW] = f.params;
  const n = f.local('n', 'i32');
  const oh = f.local('oh', 'i32');
  const ow = f.local('ow', 'i32');
  const ch = f.local('ch', 'i32');
  const rowStep = f.local('rowStep', 'i32');
  const rowBase = f.local('rowBase', 'i32');
  const i00 = f.local('i00', 'i32');
  const best = f.local('best', 'v128');
  const idx = f.local('idx', 'v128');
  const base = f.local('base', 'v128');
  const v = f.local('v', 'v128');
  const m = f.local('m', 'v128');
  const iota = f.local('iota', 'v128');
  // Offsets of the other three taps, in elements: right, below, below right.
  const taps = [f.local('tapR', 'v128'), f.local('tapB', 'v128'), f.local('tapBR', 'v128')];
  const tapOff = [f.local('offR', 'i32'), f.local('offB', 'i32'), f.local('offBR', 'i32')];
  f.emit(
    set(rowStep, mul(get(inW), get(C))),
    set(tapOff[0], get(C)),
    set(tapOff[1], get(rowStep)),
    set(tapOff[2], add(get(rowStep), get(C))),
    ...taps.map((t, i) => set(t, i32x4.splat(get(tapOff[i])))),
    set(iota, v128.i32Lanes([0, 1, 2, 3])),
    forRange(n, c(0), get(batch), 1,
      forRange(oh, c(0), get(outH), 1,
        set(rowBase, mul(add(mul(get(n), get(inH)), mul(get(oh), get(strideH))), get(rowStep))),
        forRange(ow, c(0), get(outW), 1,
          forRange(ch, c(0), get(C), 4,
            set(i00, add(add(get(rowBase), mul(mul(get(ow), get(strideW)), get(C))), get(ch))),
            set(base, i32x4.add(i32x4.splat(get(i00)), get(iota))),
            set(best, v128.load(add(get(x), shl2(get(i00))))),
            set(idx, get(base)),
            ...taps.flatMap((t, i) => [
              set(v, v128.load(add(get(x), shl2(add(get(i00), get(tapOff[i])))))),
              set(m, f32x4.gt(get(v), get(best))),
              set(best, v128.bitselect(get(v), get(best), get(m))),
              set(idx, v128.bitselect(i32x4.add(get(base), get(t)), get(idx), get(m))),
            ]),
            v128.store(get(y), get(best)),
            v128.store(get(argmax), get(idx)),
            inc(y, 16),
            inc(argmax, 16),
          ),
        ),
      ),
    ),
  );
  return f;
}

function scatterAdd(): Fn {
  const f = new Fn('scatterAdd', [['dy', 'i32'], ['index', 'i32'], ['dx', 'i32'], ['n', 'i32']]);
  const [dy, index, dx, n] = f.params;
  const end = f.local('end', 'i32');
  const at = f.local('at', 'i32');
  f.emit(
    set(end, add(get(dy), shl2(get(n)))),
    ifThen(i32.lt_s(get(dy), get(end)), [
      doWhile(dy, end,
        set(at, add(get(dx), shl2(i32.load(get(index))))),
        f32.store(get(at), f32.add(f32.load(get(at)), f32.load(get(dy)))),
        inc(dy, 4),
        inc(index, 4),
      ),
    ]),
  );
  return f;
}

const SUM_BLOCK_ROWS = 16;

function columnSums(): Fn {
  const f = new Fn('columnSums', [['x', 'i32'], ['rows', 'i32'], ['cols', 'i32'], ['acc', 'i32'], ['out', 'i32']]);
  const [x, rows, cols, acc, out] = f.params;
  const r0 = f.local('r0', 'i32');
  const r1 = f.local('r1', 'i32');
  const col = f.local('col', 'i32');
  const p = f.local('p', 'i32');
  const pEnd = f.local('pEnd', 'i32');
  const rowBytes = f.local('rowBytes', 'i32');
  const a = f.local('a', 'i32');
  const part = f.local('part', 'v128');
  f.emit(
    set(rowBytes, shl2(get(cols))),
    // acc: cols float64 totals, zeroed here.
    forRange(col, c(0), get(cols), 2, v128.store(add(get(acc), i32.shl(get(col), c(3))), v128.zero())),
    forRange(r0, c(0), get(rows), SUM_BLOCK_ROWS,
      set(r1, i32.select(add(get(r0), c(SUM_BLOCK_ROWS)), get(rows), i32.lt_s(add(get(r0), c(SUM_BLOCK_ROWS)), get(rows)))),
      forRange(col, c(0), get(cols), 4,
        set(part, v128.zero()),
        set(p, add(get(x), add(mul(get(r0), get(rowBytes)), shl2(get(col))))),
        set(pEnd, add(get(x), add(mul(get(r1), get(rowBytes)), shl2(get(col))))),
        doWhile(p, pEnd, set(part, f32x4.add(get(part), v128.load(get(p)))), inc(p, get(rowBytes))),
        set(a, add(get(acc), i32.shl(get(col), c(3)))),
        v128.store(get(a), f64x2.add(v128.load(get(a)), f64x2.promoteLow(get(part)))),
        v128.store(get(a), f64x2.add(v128.load(get(a), 16), f64x2.promoteLow(i32x4.shuffle(get(part), get(part), [2, 3, 0, 1]))), 16),
      ),
    ),
    forRange(col, c(0), get(cols), 4,
      set(a, add(get(acc), i32.shl(get(col), c(3)))),
      v128.store(add(get(out), shl2(get(col))),
        i32x4.shuffle(f32x4.demoteZero(v128.load(get(a))), f32x4.demoteZero(v128.load(get(a), 16)), [0, 1, 4, 5])),
    ),
  );
  return f;
}

/** The pointwise functions, in module order after the GEMM's. */
export function pointwiseFunctions(): Fn[] {
  return [
    reluBackward(), maxPool2x2(), scatterAdd(), columnSums(), relu(), addSameShape(),
    columnSumsF64(), columnSquaredDeviations(), batchNormApply(), batchNormGradSums(), batchNormGradInput(),
  ];
}
