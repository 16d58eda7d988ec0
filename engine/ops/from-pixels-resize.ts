/**
 * The resize rule of fromPixels (engine/ops/from-pixels.ts), one axis at a time: per output
 * sample, [source index, weight] pairs summing to 1. Shrinking averages the covered area (a box
 * filter with fractional coverage, so a 280-pixel drawing becomes 28 pixels without aliasing);
 * enlarging interpolates linearly between pixel centres, edges clamped. It is the rule of
 * `npm run predict --image` (model/predict-cli.ts), so a picture gets the same input either way.
 * from-pixels.wgsl.ts evaluates the same rule on the GPU.
 */
export function resizeWeights(n: number, m: number): [index: number, weight: number][][] {
  const out: [number, number][][] = [];
  if (n === m) {
    for (let o = 0; o < m; o++) out.push([[o, 1]]);
  } else if (n > m) {
    const scale = n / m;
    for (let o = 0; o < m; o++) {
      const lo = o * scale;
      const hi = (o + 1) * scale;
      const w: [number, number][] = [];
      for (let i = Math.floor(lo); i < Math.min(n, Math.ceil(hi)); i++) {
        const cover = Math.min(hi, i + 1) - Math.max(lo, i);
        if (cover > 0) w.push([i, cover / scale]);
      }
      out.push(w);
    }
  } else {
    const scale = n / m;
    for (let o = 0; o < m; o++) {
      const c = Math.min(n - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const i0 = Math.floor(c);
      const f = c - i0;
      out.push(i0 + 1 < n && f > 0 ? [[i0, 1 - f], [i0 + 1, f]] : [[i0, 1]]);
    }
  }
  return out;
}
