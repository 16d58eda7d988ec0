/**
 * Direct-loop float64 references the CPU kernel tests (cpu-kernels.test.ts, cpu-wasm.test.ts)
 * check the JS and wasm kernels against: no blocking, no im2col, one term at a time.
 */
import type { Conv2DGeometry } from '../../engine/backends/backend.js';

/** C = op(A) op(B), A [M, K] (or [K, M] when tA), B [K, N] (or [N, K] when tB). */
export function naiveMatmul(a: ArrayLike<number>, b: ArrayLike<number>, M: number, N: number, K: number, tA: boolean, tB: boolean): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (tA ? a[k * M + i] : a[i * K + k]) * (tB ? b[j * K + k] : b[k * N + j]);
      c[i * N + j] = s;
    }
  }
  return c;
}

/** Conv forward (with an optional bias and ReLU), and both gradients for a given dy (of the conv before ReLU). */
export function naiveConv(
  x: ArrayLike<number>, w: ArrayLike<number>, dy: ArrayLike<number>, g: Conv2DGeometry,
  opts: { bias?: ArrayLike<number>; relu?: boolean } = {},
) {
  const y = new Float64Array(g.batch * g.outH * g.outW * g.outC);
  const dx = new Float64Array(g.batch * g.inH * g.inW * g.inC);
  const dw = new Float64Array(g.kH * g.kW * g.inC * g.outC);
  for (let n = 0; n < g.batch; n++)
    for (let oh = 0; oh < g.outH; oh++)
      for (let ow = 0; ow < g.outW; ow++)
        for (let oc = 0; oc < g.outC; oc++) {
          const o = ((n * g.outH + oh) * g.outW + ow) * g.outC + oc;
          y[o] = opts.bias ? opts.bias[oc] : 0;
          for (let kh = 0; kh < g.kH; kh++)
            for (let kw = 0; kw < g.kW; kw++) {
              const ih = oh * g.strideH - g.padTop + kh;
              const iw = ow * g.strideW - g.padLeft + kw;
              if (ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) continue;
              for (let ic = 0; ic < g.inC; ic++) {
                const xi = ((n * g.inH + ih) * g.inW + iw) * g.inC + ic;
                const wi = ((kh * g.kW + kw) * g.inC + ic) * g.outC + oc;
                y[o] += x[xi] * w[wi];
                dx[xi] += dy[o] * w[wi];
                dw[wi] += dy[o] * x[xi];
              }
            }
          if (opts.relu) y[o] = Math.max(y[o], 0);
        }
  return { y, dx, dw };
}
