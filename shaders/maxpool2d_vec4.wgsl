// maxPool2d, four channels per invocation (channels a multiple of 4, Tiling.vec4 on; n counts
// vec4s of the output): maxpool2d.wgsl's window walk with x, y and argmax read and written as
// vec4, so each tap is one load for four channels. The first maximum wins per channel, as there.
#include "include/elements.wgsl"
#include "include/pool-windows.wgsl"
#storage(1) read x: vec4<f32>, read_write y: vec4<f32>, read_write argmax: vec4<i32>
fn element(i: u32) {
  let o = nhwc(4u * i, p.outH, p.outW);
  let taps = windowOf(o);
  var best = vec4<f32>(-3.402823e38);
  var at = vec4<i32>(-1);
  for (var h = taps.rows.x; h < taps.rows.y; h++) {
    for (var w = taps.cols.x; w < taps.cols.y; w++) {
      let idx = nhwcAt(o, h, w, p.inH, p.inW);
      let v = x[idx / 4u];
      let take = (at < vec4<i32>(0)) | (v > best);
      best = select(best, v, take);
      at = select(at, vec4<i32>(i32(idx)) + vec4<i32>(0, 1, 2, 3), take);
    }
  }
  y[i] = best;
  argmax[i] = at;
}
