// avgPool2d backward as a gather (no atomics): one invocation per input element sums dy / count over
// the windows that contain it, count being each window's taps inside the input.
#include "include/elements.wgsl"
#include "include/pool.wgsl"
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

// Windows along one axis containing position `at`: o with o*s - pad <= at < o*s - pad + k.
fn first_window(at: i32, k: i32, s: i32, pad: i32) -> i32 {
  let lo = at + pad - k + 1;
  return select((lo + s - 1) / s, 0, lo <= 0);
}

fn element(i: u32) {
  let at = nhwc(i, p.inH, p.inW);
  let b = at.x;
  let ih = i32(at.y);
  let iw = i32(at.z);
  let c = at.w;
  let sH = i32(p.strideH);
  let sW = i32(p.strideW);
  let pT = i32(p.padTop);
  let pL = i32(p.padLeft);
  let ohEnd = min((ih + pT) / sH + 1, i32(p.outH));
  let owEnd = min((iw + pL) / sW + 1, i32(p.outW));
  var acc = 0.0;
  for (var oh = first_window(ih, i32(p.poolH), sH, pT); oh < ohEnd; oh++) {
    let h0 = max(oh * sH - pT, 0);
    let h1 = min(oh * sH - pT + i32(p.poolH), i32(p.inH));
    for (var ow = first_window(iw, i32(p.poolW), sW, pL); ow < owEnd; ow++) {
      let w0 = max(ow * sW - pL, 0);
      let w1 = min(ow * sW - pL + i32(p.poolW), i32(p.inW));
      let o = ((b * p.outH + u32(oh)) * p.outW + u32(ow)) * p.channels + c;
      acc += dy[o] / f32((h1 - h0) * (w1 - w0));
    }
  }
  dx[i] = acc;
}
