/**
 * The CPU backend's WebAssembly SIMD GEMM: the committed module matches its
 * generator; matmul and every convolution kernel agree with the plain-JS GEMM
 * and with float64 loops, through edge tiles, cache blocks, the split
 * reduction, 'same' padding and strides; two threads give bit-identical
 * results to one; a failing or vanished worker is an error that names it, not
 * a hang; without WebAssembly SIMD the backend falls back to the JS GEMM and
 * says so; the relaxed-SIMD fma variant runs (in a child process, behind Node
 * 20's flag).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Padding, Shape } from '../engine/backends/backend.js';
import { sizeOf } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { generatedFile } from '../engine/backends/cpu/wasm/kernel-module.js';
import { WASM_MEMORY, WASM_MODULE } from '../engine/backends/cpu/wasm/kernels.generated.js';
import { JOB, TASK } from '../engine/backends/cpu/wasm/gemm-layout.js';
import { ctlWords, ThreadPool } from '../engine/backends/cpu/wasm/threads.js';
import { conv2dGeometry, pool2dGeometry } from '../engine/ops/geometry.js';
import { naiveConv, naiveMatmul } from './helpers/reference-kernels.js';
import { Rng } from './helpers/rng.js';

const js = new CpuBackend('float32', { gemm: 'js' });
const wasm1 = new CpuBackend('float32', { gemm: 'wasm', threads: 1 });
const wasm2 = new CpuBackend('float32', { gemm: 'wasm', threads: 2 });

beforeAll(async () => {
  await wasm2.ready();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>): { err: number; at: number } {
  expect(actual.length).toBe(expected.length);
  let err = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(e <= err)) {
      err = e;
      at = i;
    }
  }
  return { err, at };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  const { err, at } = worstError(actual, expected);
  expect(err, `${what}: element ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(tol);
}

function bitIdentical(a: Float32Array, b: Float32Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  let diff = -1;
  for (let i = 0; i < a.length && diff < 0; i++) if (!Object.is(a[i], b[i])) diff = i;
  expect(diff, `${what}: first difference at ${diff}`).toBe(-1);
}

describe('the generated module', () => {
  it('kernels.generated.ts is what kernel-module.ts emits (run npm run gen:wasm)', () => {
    expect(readFileSync('engine/backends/cpu/wasm/kernels.generated.ts', 'utf8') === generatedFile(), 'kernels.generated.ts is stale').toBe(true);
  });

  it('the plain variants validate here, and the backends use them', () => {
    for (const v of [WASM_MODULE.local, WASM_MODULE.shared]) expect(WebAssembly.validate(Uint8Array.from(atob(v), (ch) => ch.charCodeAt(0)))).toBe(true);
    expect(wasm1.gemm).toBe('wasm');
    expect(wasm2.describe()).toContain('wasm SIMD GEMM, 2 threads');
    expect(js.describe()).toContain('JS GEMM');
    expect(new CpuBackend('float64').gemm).toBe('js');
  });
});

describe('matmul: wasm against JS and float64', () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 2, 5],
    [37, 53, 29], // edge tiles in both directions
    [130, 300, 513], // crosses the M, K and N cache blocks
    [12, 9000, 20], // K long and C small: the reduction is split
    [300, 96, 256], // large enough for two threads
  ];
  for (const [M, K, N] of sizes) {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
      it(`${M}x${K}x${N} transposeA=${tA} transposeB=${tB}`, () => {
        const rng = new Rng(M * 7 + K + N);
        const av = rng.values(M * K);
        const bv = rng.values(K * N);
        const results = [js, wasm1, wasm2].map((be) => {
          const a = be.upload(av, tA ? [K, M] : [M, K], 'float32');
          const b = be.upload(bv, tB ? [N, K] : [K, N], 'float32');
          return { c: be.kernels.matmul(a, b, tA, tB), a: a.storage, b: b.storage };
        });
        const ref = naiveMatmul(results[0].a, results[0].b, M, N, K, tA, tB);
        const tol = 1e-5 * Math.sqrt(K);
        expectClose(results[0].c.storage, ref, tol, 'js');
        expectClose(results[1].c.storage, ref, tol, 'wasm');
        expectClose(results[1].c.storage, results[0].c.storage, 2 * tol, 'wasm vs js');
        bitIdentical(results[2].c.storage as Float32Array, results[1].c.storage as Float32Array, '2 threads vs 1');
      });
    }
  }
});

describe('convolutions: wasm against JS and float64', () => {
  const cases: { x: Shape; w: Shape; strides: [number, number]; padding: Padding }[] = [
    { x: [2, 11, 9, 3], w: [3, 2, 3, 7], strides: [2, 1], padding: 'valid' },
    { x: [2, 11, 9, 3], w: [5, 4, 3, 2], strides: [2, 3], padding: 'same' },
    { x: [2, 6, 5, 4], w: [1, 1, 4, 3], strides: [1, 1], padding: 'valid' },
    { x: [1, 4, 4, 1], w: [4, 4, 1, 2], strides: [1, 1], padding: 'same' },
    { x: [3, 9, 7, 2], w: [2, 2, 2, 5], strides: [3, 2], padding: 'same' },
    // More than 256 output channels: the input gradient as a correlation with the flipped filter, not a scatter.
    { x: [2, 5, 4, 3], w: [2, 2, 3, 260], strides: [1, 1], padding: 'same' },
    // The tutorial's layers, at small batches: large enough for two threads and the split reduction.
    { x: [8, 28, 28, 1], w: [3, 3, 1, 32], strides: [1, 1], padding: 'valid' },
    { x: [4, 13, 13, 32], w: [3, 3, 32, 64], strides: [1, 1], padding: 'valid' },
    { x: [4, 12, 12, 16], w: [3, 3, 16, 24], strides: [1, 1], padding: 'same' },
  ];
  for (const c of cases) {
    for (const relu of [false, true]) {
      it(`x [${c.x}] w [${c.w}] strides [${c.strides}] ${c.padding} bias relu=${relu}`, () => {
        const rng = new Rng(sizeOf(c.x) + sizeOf(c.w) + (relu ? 1 : 0));
        const g = conv2dGeometry('test', c.x, c.w, c.strides, c.padding);
        const xv = rng.values(sizeOf(c.x));
        const wv = rng.values(sizeOf(c.w));
        const bv = rng.values(g.outC);
        const dyv = rng.values(g.batch * g.outH * g.outW * g.outC);
        const run = (be: CpuBackend) => {
          const x = be.upload(xv, c.x, 'float32');
          const w = be.upload(wv, c.w, 'float32');
          const b = be.upload(bv, [g.outC], 'float32');
          const dy = be.upload(dyv, [g.batch, g.outH, g.outW, g.outC], 'float32');
          return {
            inputs: { x: x.storage, w: w.storage, b: b.storage, dy: dy.storage },
            y: be.kernels.conv2d(x, w, b, g, relu).storage as Float32Array,
            dx: be.kernels.conv2dBackpropInput(dy, w, g).storage as Float32Array,
            dw: be.kernels.conv2dBackpropFilter(x, dy, g).storage as Float32Array,
          };
        };
        const [j, w1, w2] = [js, wasm1, wasm2].map(run);
        const ref = naiveConv(j.inputs.x, j.inputs.w, j.inputs.dy, g, { bias: j.inputs.b, relu });
        const tol = 1e-5 * Math.sqrt(g.kH * g.kW * g.inC);
        const tolDw = 1e-5 * Math.sqrt(g.batch * g.outH * g.outW);
        for (const [name, r] of [['js', j], ['wasm', w1]] as const) {
          expectClose(r.y, ref.y, tol, `${name} forward`);
          expectClose(r.dx, ref.dx, tol * 2, `${name} backprop input`);
          expectClose(r.dw, ref.dw, tolDw, `${name} backprop filter`);
        }
        expectClose(w1.y, j.y, 2 * tol, 'forward wasm vs js');
        expectClose(w1.dx, j.dx, 4 * tol, 'backprop input wasm vs js');
        expectClose(w1.dw, j.dw, 2 * tolDw, 'backprop filter wasm vs js');
        bitIdentical(w2.y, w1.y, 'forward, 2 threads vs 1');
        bitIdentical(w2.dx, w1.dx, 'backprop input, 2 threads vs 1');
        bitIdentical(w2.dw, w1.dw, 'backprop filter, 2 threads vs 1');
      });
    }
  }

  it('the fused ReLU keeps NaN and maps -0 and negatives to +0, like the JS kernels', () => {
    const g = conv2dGeometry('test', [1, 1, 3, 1], [1, 1, 1, 1], [1, 1], 'valid');
    for (const be of [js, wasm1]) {
      const x = be.upload([NaN, -2, 3], [1, 1, 3, 1], 'float32');
      const w = be.upload([1], [1, 1, 1, 1], 'float32');
      const y = Array.from(be.kernels.conv2d(x, w, null, g, true).storage);
      expect(Number.isNaN(y[0]), `${be.describe()}: relu(NaN)`).toBe(true);
      expect(y.slice(1), be.describe()).toEqual([0, 3]);
    }
  });
});

describe('memory-bound kernels on tensors in wasm memory, against the JS kernels', () => {
  // Large enough (>= 65,536 elements) to live in wasm memory, with many ties and negatives.
  const shape = [4, 26, 26, 32];
  const n = sizeOf(shape);
  const rng = new Rng(77);
  const xv = Array.from({ length: n }, () => rng.int(9) - 4);
  const dyv = rng.values(n);

  it('the wasm backend keeps them in wasm memory, the JS one does not', () => {
    const t = wasm1.upload(xv, shape, 'float32');
    expect(t.storage.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(js.upload(xv, shape, 'float32').storage.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    // Reads hand out ordinary copies.
    expect(wasm1.readSync(t).buffer).not.toBeInstanceOf(SharedArrayBuffer);
    wasm1.release(t.storage);
  });

  it('reluBackward, with NaN in y and dy', () => {
    const yv = xv.map((v, i) => (i % 97 === 0 ? NaN : v));
    const dv = Array.from(dyv, (v, i) => (i % 89 === 0 ? NaN : v));
    const [a, b] = [js, wasm1].map((be) => be.kernels.reluBackward(be.upload(dv, shape, 'float32'), be.upload(yv, shape, 'float32')).storage as Float32Array);
    bitIdentical(b, a, 'reluBackward');
  });

  it('relu, with NaN, -0 and an odd length (the scalar tail)', () => {
    const odd = [3, 7, 3123]; // 65,583 elements, not a multiple of 4
    const v = Array.from({ length: sizeOf(odd) }, (_, i) => (i % 101 === 0 ? NaN : i % 103 === 0 ? -0 : dyv[i % n]));
    const [a, b] = [js, wasm1].map((be) => be.kernels.unary(be.upload(v, odd, 'float32'), 'relu').storage as Float32Array);
    expect(b.buffer).toBeInstanceOf(SharedArrayBuffer); // the wasm kernel's output, not the JS twin's
    bitIdentical(b, a, 'relu');
    expect(Object.is(b[103], 0)).toBe(true);
  });

  it('add of two tensors of one shape (an odd length), and with broadcasting (the JS kernel)', () => {
    const odd = [3, 7, 3123];
    const u = Array.from({ length: sizeOf(odd) }, (_, i) => (i % 101 === 0 ? NaN : i % 103 === 0 ? -0 : dyv[i % n] * 1e3));
    const v = Array.from({ length: sizeOf(odd) }, (_, i) => (i % 107 === 0 ? Infinity : i % 103 === 0 ? -0 : dyv[(i * 7) % n]));
    const [a, b] = [js, wasm1].map((be) => be.kernels.binary(be.upload(u, odd, 'float32'), be.upload(v, odd, 'float32'), 'add', odd).storage as Float32Array);
    bitIdentical(b, a, 'add');
    expect(Object.is(b[103], -0)).toBe(true); // -0 + -0
    const row = [1, 1, 3123];
    const [c, d] = [js, wasm1].map((be) => be.kernels.binary(be.upload(u, odd, 'float32'), be.upload(v.slice(0, 3123), row, 'float32'), 'add', odd).storage as Float32Array);
    bitIdentical(d, c, 'add, broadcast');
  });

  // Batch norm's kernels in wasm (wasm/wasm-batch-norm.ts) do the JS twins' float64 arithmetic
  // lane for lane, so the results are bit for bit the same. x has a mean far from 0 and a
  // small spread, where a reordered formula would show.
  const xbn = Array.from(dyv, (v, i) => 3 + 0.01 * v + (i % 32) * 0.5);
  it('moments over every axis but the channels; other axes take the JS path', () => {
    for (const axes of [[0, 1, 2], [1, 2], [0, 1, 2, 3]]) {
      const outShape = shape.filter((_, i) => !axes.includes(i));
      const [a, b] = [js, wasm1].map((be) => {
        const { mean, variance } = be.kernels.moments(be.upload(xbn, shape, 'float32'), axes, outShape);
        return [mean.storage as Float32Array, variance.storage as Float32Array];
      });
      bitIdentical(b[0], a[0], `mean over [${axes}]`);
      bitIdentical(b[1], a[1], `variance over [${axes}]`);
    }
  });

  it('batchNorm and batchNormBackward (training and with frozen statistics)', () => {
    const C = shape[3];
    const stat = (f: (c: number) => number) => Float32Array.from({ length: C }, (_, c) => f(c));
    const mean = stat((c) => 3 + c * 0.5);
    const variance = stat((c) => 1e-4 * (1 + c));
    const scale = stat((c) => 0.5 + c / C);
    const offset = stat((c) => c / 7 - 1);
    const [a, b] = [js, wasm1].map((be) => {
      const up = (v: ArrayLike<number>, s: Shape) => be.upload(Array.from(v), s, 'float32');
      const [x, dy, m, v, sc] = [up(xbn, shape), up(dyv, shape), up(mean, [C]), up(variance, [C]), up(scale, [C])];
      const y = be.kernels.batchNorm(x, m, v, sc, up(offset, [C]), 1e-3).storage as Float32Array;
      const grads = [true, false].map((training) => {
        const g = be.kernels.batchNormBackward(dy, x, m, v, sc, 1e-3, training);
        return [g.dx, g.dScale, g.dOffset].map((t) => t.storage as Float32Array);
      });
      return { y, grads };
    });
    expect(b.y.buffer).toBeInstanceOf(SharedArrayBuffer);
    bitIdentical(b.y, a.y, 'batchNorm');
    for (const [i, mode] of ['training', 'frozen'].entries()) {
      for (const [j, what] of ['dx', 'dScale', 'dOffset'].entries()) bitIdentical(b.grads[i][j], a.grads[i][j], `batchNormBackward ${mode} ${what}`);
    }
  });

  for (const [pool, stride] of [[2, 2], [2, 1], [3, 2]] as const) {
    it(`maxPool2d ${pool}x${pool} stride ${stride} and its backward: values, first-max indices and gradients`, () => {
      const g = pool2dGeometry('test', shape, [pool, pool], [stride, stride], 'valid');
      const out = [g.batch, g.outH, g.outW, g.channels];
      const [a, b] = [js, wasm1].map((be) => {
        const { y, argmax } = be.kernels.maxPool2d(be.upload(xv, shape, 'float32'), g);
        const dx = be.kernels.maxPool2dBackward(be.upload(dyv.subarray(0, sizeOf(out)), out, 'float32'), argmax, g);
        return { y: y.storage as Float32Array, argmax: Array.from(argmax.storage), dx: dx.storage as Float32Array };
      });
      bitIdentical(b.y, a.y, 'max');
      expect(b.argmax).toEqual(a.argmax);
      bitIdentical(b.dx, a.dx, 'backward');
    });
  }

  it('the sum over every axis but the last (a bias gradient) and other reductions', () => {
    for (const axes of [[0, 1, 2], [0, 1], [1, 2, 3], [0, 1, 2, 3]]) {
      const outShape = shape.filter((_, i) => !axes.includes(i));
      const [a, b] = [js, wasm1].map((be) => be.kernels.sum(be.upload(dyv, shape, 'float32'), axes, outShape).storage as Float32Array);
      // The wasm column sums add 16-row float32 partial sums in float64; JS adds every element in float64.
      expectClose(b, a, 4e-6, `sum over [${axes}]`);
    }
  });
});

describe('worker threads: faults are errors that name the thread', () => {
  const module = new WebAssembly.Module(Uint8Array.from(atob(WASM_MODULE.shared), (ch) => ch.charCodeAt(0)));

  async function startedPool(wait?: ConstructorParameters<typeof ThreadPool>[6]) {
    const memory = new WebAssembly.Memory({ initial: WASM_MEMORY.initialPages, maximum: WASM_MEMORY.maximumPages, shared: true } as WebAssembly.MemoryDescriptor);
    const workers: Worker[] = [];
    const pool = new ThreadPool(module, memory, 64, 1, 300, (source) => {
      const w = new Worker(source, { eval: true });
      w.unref();
      workers.push(w);
      return w;
    }, wait);
    expect(ctlWords(1) * 4 + 64).toBeLessThan(1024);
    pool.grow(1);
    for (let i = 0; pool.readyCount() < 1; i++) {
      expect(i, 'the worker started').toBeLessThan(2000);
      await new Promise((r) => setTimeout(r, 5));
    }
    return { pool, memory, workers };
  }

  it('a worker whose share traps: the round throws, naming it, and the pool stops', async () => {
    const { pool, memory } = await startedPool();
    const words = new Int32Array(memory.buffer);
    const job = 2048;
    const task = 4096;
    // A 4x4x4 job whose B table points past the end of memory: packB traps.
    words.set([4, 4, 4], job / 4 + JOB.M);
    words[job / 4 + JOB.bRowTab] = 0x7ffffff0;
    words[job / 4 + JOB.MC] = 4;
    words[job / 4 + JOB.KC] = 4;
    words[job / 4 + JOB.NC] = 4;
    words.set([0, 4, 0, 4], task / 4 + TASK.m0);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => pool.runRound(job, [0, task], () => {})).toThrow(/GEMM worker thread 1 threw/);
    expect(pool.readyCount()).toBe(0);
    expect(pool.failure).toMatch(/thread 1/);
  });

  it('a worker that has gone: the round gives up after its wait and names it, instead of hanging', async () => {
    const { pool, workers } = await startedPool();
    await workers[0].terminate(); // the thread is gone, as if it had died
    const t0 = Date.now();
    expect(() => pool.runRound(2048, [0, 4096], () => {})).toThrow(/thread\(s\) 1 did not finish their share in two waits of 300 ms each .*this GEMM's result is lost, and later ones run on one thread/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(590);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(pool.failure).toMatch(/thread\(s\) 1/);
  });

  it('a stopped process that resumes (every wait timed out at once, the worker still mid-share) does not lose its worker', async () => {
    // After SIGSTOP and SIGCONT the caller's wait returns 'timed-out' the moment it runs again,
    // while the worker it waits for has only just been scheduled too: here the first wait of
    // each round times out at once, before the worker can have reported.
    let resumed = false;
    let timedOutEarly = 0;
    const { pool } = await startedPool((array, index, value, timeoutMs) => {
      if (resumed) {
        resumed = false;
        if (Atomics.load(array, index) === value) timedOutEarly++; // the worker had not reported yet
        return 'timed-out';
      }
      return Atomics.wait(array, index, value, timeoutMs);
    });
    // Task 0 for the worker: it wakes, finds no task, reports. Five rounds, each first wait a false time-out.
    for (let r = 0; r < 5; r++) {
      resumed = true;
      pool.runRound(2048, [0, 0], () => {});
    }
    expect(timedOutEarly, 'rounds whose first wait timed out before the worker reported').toBeGreaterThanOrEqual(1);
    expect(pool.failure).toBeNull();
    expect(pool.readyCount()).toBe(1);
  });
});

describe('fallback without WebAssembly SIMD', () => {
  it("gemm 'wasm' becomes the JS GEMM and describe() says why", async () => {
    vi.resetModules();
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const { CpuBackend: Fresh } = await import('../engine/backends/cpu/cpu-backend.js');
    const be = new Fresh('float32', { gemm: 'wasm' });
    expect(be.gemm).toBe('js');
    expect(be.threads).toBe(1);
    expect(be.describe()).toMatch(/JS GEMM, because this WebAssembly has no SIMD/);
    const c = be.kernels.matmul(be.upload([1, 2, 3, 4], [2, 2], 'float32'), be.upload([5, 6, 7, 8], [2, 2], 'float32'), false, false);
    expect(Array.from(c.storage)).toEqual([19, 22, 43, 50]);
  });

  it('bad options are clear errors', () => {
    expect(() => new CpuBackend('float64', { gemm: 'wasm' })).toThrow(/float32 only/);
    expect(() => new CpuBackend('float32', { gemm: 'simd' as 'wasm' })).toThrow(/gemm must be 'wasm' or 'js', got 'simd'/);
    expect(() => new CpuBackend('float32', { threads: 0 })).toThrow(/threads must be a positive integer, got 0/);
  });
});

describe('the relaxed-SIMD fma variant', () => {
  it('is chosen where relaxed SIMD validates and matches float64 (node --experimental-wasm-relaxed-simd)', () => {
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', 'test/helpers/wasm-fma-check.ts'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { fma: boolean; describe: string; matmulError: number; convError: number };
    expect(r.fma, r.describe).toBe(true);
    expect(r.matmulError).toBeLessThan(1e-4);
    expect(r.convError).toBeLessThan(1e-4);
  });
});
