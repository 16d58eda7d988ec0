// maxPool2dBackward as a gather: each input element sums dy over the windows that contain it
// and recorded it as their argmax (no float atomics needed, overlapping windows are summed).
#include "include/pool-backward.wgsl"
#include "include/pool-windows.wgsl"
fn element(i: u32) {
  let at = nhwc(i, p.inH, p.inW);
  let windows = windowsOverPixel(at);
  var acc = 0.0;
  for (var oh = windows.rows.x; oh < windows.rows.y; oh++) {
    for (var ow = windows.cols.x; ow < windows.cols.y; ow++) {
      let o = nhwcAt(at, oh, ow, p.outH, p.outW);
      if (argmax[o] == i32(i)) { acc += dy[o]; }
    }
  }
  dx[i] = acc;
}
