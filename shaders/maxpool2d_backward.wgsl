// maxPool2dBackward as a gather: each input element sums dy over the windows that contain it
// and recorded it as their argmax (no float atomics needed, overlapping windows are summed).
#include "include/pool-backward.wgsl"
#include "include/pool-gather.wgsl"
fn fromWindow(i: u32, at: Pixel, oh: i32, ow: i32) -> f32 {
  let o = nhwcAt(at, oh, ow, p.outH, p.outW);
  if (argmax[o] == i32(i)) { return dy[o]; }
  return 0.0;
}
