// avgPool2d backward as a gather (no atomics): one invocation per input element sums dy / count over
// the windows that contain it, count being each window's taps inside the input.
#include "include/elements.wgsl"
#include "include/pool-windows.wgsl"
#storage(1) read dy: f32, read_write dx: f32
fn element(i: u32) {
  let at = nhwc(i, p.inH, p.inW);
  let windows = windowsOverPixel(at);
  var acc = 0.0;
  for (var oh = windows.rows.x; oh < windows.rows.y; oh++) {
    let rows = windowTaps(oh, p.strideH, p.padTop, p.poolH, p.inH);
    for (var ow = windows.cols.x; ow < windows.cols.y; ow++) {
      let cols = windowTaps(ow, p.strideW, p.padLeft, p.poolW, p.inW);
      acc += dy[nhwcAt(at, oh, ow, p.outH, p.outW)] / f32((rows.y - rows.x) * (cols.y - cols.x));
    }
  }
  dx[i] = acc;
}
