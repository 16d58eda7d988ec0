/**
 * Run by test/cpu-wasm.test.ts in a child `node --experimental-wasm-relaxed-simd`:
 * Node 20 has relaxed SIMD only behind that flag, so this is where the fused
 * multiply-add variant of the wasm GEMM runs. Prints one JSON line: whether the
 * fma variant was chosen, and the worst error of a matmul and a convolution
 * (bias, ReLU) against float64 loops.
 */
import { CpuBackend } from '../../engine/backends/cpu/cpu-backend.js';
import { wasmRuntime } from '../../engine/backends/cpu/wasm/wasm-runtime.js';
import { conv2dGeometry } from '../../engine/ops/geometry.js';
import { Rng } from './rng.js';

const rt = wasmRuntime();
const backend = new CpuBackend('float32', { gemm: 'wasm', threads: 1 });
const rng = new Rng(11);
const [M, K, N] = [37, 131, 29];
const a = backend.upload(rng.values(M * K), [M, K], 'float32');
const b = backend.upload(rng.values(K * N), [K, N], 'float32');
const c = backend.kernels.matmul(a, b, false, false).storage;
let matmulError = 0;
for (let i = 0; i < M; i++) {
  for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += a.storage[i * K + k] * b.storage[k * N + j];
    matmulError = Math.max(matmulError, Math.abs(s - c[i * N + j]));
  }
}
const g = conv2dGeometry('fma-check', [2, 9, 8, 3], [3, 3, 3, 10], [1, 1], 'same');
const x = backend.upload(rng.values(2 * 9 * 8 * 3), [2, 9, 8, 3], 'float32');
const w = backend.upload(rng.values(90), [3, 3, 3, 10], 'float32');
const bias = backend.upload(rng.values(10), [10], 'float32');
const y = backend.kernels.conv2d(x, w, bias, g, true).storage;
let convError = 0;
for (let n = 0; n < 2; n++) for (let oh = 0; oh < 9; oh++) for (let ow = 0; ow < 8; ow++) for (let oc = 0; oc < 10; oc++) {
  let s = bias.storage[oc];
  for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) for (let ic = 0; ic < 3; ic++) {
    const ih = oh - g.padTop + kh;
    const iw = ow - g.padLeft + kw;
    if (ih < 0 || ih >= 9 || iw < 0 || iw >= 8) continue;
    s += x.storage[((n * 9 + ih) * 8 + iw) * 3 + ic] * w.storage[((kh * 3 + kw) * 3 + ic) * 10 + oc];
  }
  convError = Math.max(convError, Math.abs(Math.max(s, 0) - y[((n * 9 + oh) * 8 + ow) * 10 + oc]));
}
console.log(JSON.stringify({ fma: typeof rt !== 'string' && rt.fma, describe: backend.describe(), matmulError, convError }));
