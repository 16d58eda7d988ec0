// Entry point of the forward pooling kernels: one invocation per output element (n of them);
// the kernel declares `fn pool(i: u32, o: Pixel, taps: Span2)`, given output pixel o of flat
// index i and the taps of its window that lie inside the input.
#include "include/elements.wgsl"
#include "include/pool-windows.wgsl"
fn element(i: u32) {
  let o = nhwc(i, p.outH, p.outW);
  pool(i, o, windowOf(o));
}
