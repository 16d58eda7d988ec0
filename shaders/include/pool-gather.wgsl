// Entry point of the pooling backward kernels that gather (no atomics): one invocation per
// input element (n of them) sums, over the output windows that contain it, the kernel's
// `fn fromWindow(i: u32, at: Pixel, oh: i32, ow: i32) -> f32` (at: input pixel of flat index i;
// oh, ow: the window) into dx[i]. The kernel binds `dx`.
#include "include/elements.wgsl"
#include "include/pool-windows.wgsl"
fn element(i: u32) {
  let at = nhwc(i, p.inH, p.inW);
  let windows = windowsOverPixel(at);
  var acc = 0.0;
  for (var oh = windows.rows.x; oh < windows.rows.y; oh++) {
    for (var ow = windows.cols.x; ow < windows.cols.y; ow++) { acc += fromWindow(i, at, oh, ow); }
  }
  dx[i] = acc;
}
