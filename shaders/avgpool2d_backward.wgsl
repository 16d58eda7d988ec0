// avgPool2d backward as a gather (no atomics): one invocation per input element sums dy / count over
// the windows that contain it, count being each window's taps inside the input.
#include "include/pool-gather.wgsl"
#storage(1) read dy: f32, read_write dx: f32
// Each window contributes dy / its count of taps inside the input.
fn fromWindow(i: u32, at: Pixel, oh: i32, ow: i32) -> f32 {
  let rows = windowTaps(oh, p.strideH, p.padTop, p.poolH, p.inH);
  let cols = windowTaps(ow, p.strideW, p.padLeft, p.poolW, p.inW);
  return dy[nhwcAt(at, oh, ow, p.outH, p.outW)] / f32((rows.y - rows.x) * (cols.y - cols.x));
}
