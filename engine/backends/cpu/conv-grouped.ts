/**
 * Grouped, dilated 2-D convolution on the CPU (depthwise conv is groups = inC): NHWC input,
 * filter [kH, kW, inC/groups, outC], output channel oc in group floor(oc / (outC/groups)),
 * which reads input channels group*(inC/groups) onwards. Direct loops: these serve the
 * convolution variants, not the tutorial CNN's hot path (that is conv2d.ts's im2col + GEMM).
 */
import type { GroupedConv2DGeometry } from '../backend.js';
import type { FloatArray } from './gemm.js';

export function conv2dGrouped(x: FloatArray, w: FloatArray, g: GroupedConv2DGeometry, y: FloatArray): void {
  const { inC, outC, groups } = g;
  const cig = inC / groups;
  let acc = 0;
  forEachTap(g, (o, xp, wp) => {
    for (let ci = 0; ci < cig; ci++) acc += x[xp + ci] * w[wp + ci * outC];
  }, (o) => {
    y[o] = acc;
    acc = 0;
  });
}

/** dx must be zero-filled. */
export function conv2dGroupedBackpropInput(dy: FloatArray, w: FloatArray, g: GroupedConv2DGeometry, dx: FloatArray): void {
  const { inC, outC, groups } = g;
  const cig = inC / groups;
  forEachTap(g, (o, xp, wp) => {
    const d = dy[o];
    for (let ci = 0; ci < cig; ci++) dx[xp + ci] += d * w[wp + ci * outC];
  });
}

/** dw must be zero-filled. */
export function conv2dGroupedBackpropFilter(x: FloatArray, dy: FloatArray, g: GroupedConv2DGeometry, dw: FloatArray): void {
  const { inC, outC, groups } = g;
  const cig = inC / groups;
  forEachTap(g, (o, xp, wp) => {
    const d = dy[o];
    for (let ci = 0; ci < cig; ci++) dw[wp + ci * outC] += d * x[xp + ci];
  });
}

/**
 * The loop the three kernels share: for every output o (flat NHWC index, in order) and every
 * filter tap of o that lies inside the input, in (kh, kw) order, calls tap(o, xp, wp): input
 * channel ci of o's group is x[xp + ci], its filter weight w[wp + ci * outC]. Then done(o).
 */
function forEachTap(g: GroupedConv2DGeometry, tap: (o: number, xp: number, wp: number) => void, done?: (o: number) => void): void {
  const { batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, padTop, padLeft, dilationH, dilationW, groups } = g;
  const cig = inC / groups;
  const cog = outC / groups;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let oc = 0; oc < outC; oc++, o++) {
          const c0 = Math.floor(oc / cog) * cig;
          for (let kh = 0; kh < kH; kh++) {
            const ih = oh * strideH - padTop + kh * dilationH;
            if (ih < 0 || ih >= inH) continue;
            for (let kw = 0; kw < kW; kw++) {
              const iw = ow * strideW - padLeft + kw * dilationW;
              if (iw < 0 || iw >= inW) continue;
              tap(o, ((n * inH + ih) * inW + iw) * inC + c0, (kh * kW + kw) * cig * outC + oc);
            }
          }
          done?.(o);
        }
      }
    }
  }
}
