// avgPool2d: y[n, oh, ow, c] = the mean of the window's taps that lie inside x (padded taps are not
// counted, TensorFlow's 'same' rule). One invocation per output.
#include "include/elements.wgsl"
#include "include/pool-windows.wgsl"
#storage(1) read x: f32, read_write y: f32
fn element(i: u32) {
  let o = nhwc(i, p.outH, p.outW);
  let taps = windowOf(o);
  var acc = 0.0;
  for (var h = taps.rows.x; h < taps.rows.y; h++) {
    for (var w = taps.cols.x; w < taps.cols.y; w++) { acc += x[nhwcAt(o, h, w, p.inH, p.inW)]; }
  }
  y[i] = acc / f32((taps.rows.y - taps.rows.x) * (taps.cols.y - taps.cols.x));
}
