// maxPool2d: y[n, oh, ow, c] = max over the window, and argmax = the flat NHWC index in x of the
// first maximum (row-major window order, TensorFlow's convention). Padded positions are skipped.
#include "include/elements.wgsl"
#include "include/pool-windows.wgsl"
#storage(1) read x: f32, read_write y: f32, read_write argmax: i32
fn element(i: u32) {
  let o = nhwc(i, p.outH, p.outW);
  let taps = windowOf(o);
  var best = -3.402823e38;
  var at = -1;
  for (var h = taps.rows.x; h < taps.rows.y; h++) {
    for (var w = taps.cols.x; w < taps.cols.y; w++) {
      let idx = nhwcAt(o, h, w, p.inH, p.inW);
      let v = x[idx];
      if (at < 0 || v > best) { best = v; at = i32(idx); }
    }
  }
  y[i] = best;
  argmax[i] = at;
}
