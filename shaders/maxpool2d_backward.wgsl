// maxPool2dBackward as a gather: each input element sums dy over the windows that contain it
// and recorded it as their argmax (no float atomics needed, overlapping windows are summed).
#include "include/pool-backward.wgsl"
fn element(i: u32) {
  let at = nhwc(i, p.inH, p.inW);
  let b = at.x;
  let ih = i32(at.y);
  let iw = i32(at.z);
  let c = at.w;
  let sH = i32(p.strideH);
  let sW = i32(p.strideW);
  // Windows oh with oh*sH - padTop <= ih <= oh*sH - padTop + poolH - 1.
  let nh = ih + i32(p.padTop);
  let nw = iw + i32(p.padLeft);
  let loHn = nh - i32(p.poolH) + 1;
  let loWn = nw - i32(p.poolW) + 1;
  let ohLo = select(0, (loHn + sH - 1) / sH, loHn > 0);
  let owLo = select(0, (loWn + sW - 1) / sW, loWn > 0);
  let ohHi = min(i32(p.outH) - 1, nh / sH);
  let owHi = min(i32(p.outW) - 1, nw / sW);
  var acc = 0.0;
  for (var oh = ohLo; oh <= ohHi; oh++) {
    for (var ow = owLo; ow <= owHi; ow++) {
      let o = ((b * p.outH + u32(oh)) * p.outW + u32(ow)) * p.channels + c;
      if (argmax[o] == i32(i)) { acc += dy[o]; }
    }
  }
  dx[i] = acc;
}
