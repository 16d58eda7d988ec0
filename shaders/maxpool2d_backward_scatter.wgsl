// maxPool2dBackward for non-overlapping windows (stride >= pool size, the tutorial's 2x2/2):
// every input lies in at most one window, so one invocation per OUTPUT writes its dy to the
// input its window recorded as argmax; dx was zero-filled before. No two invocations write the
// same element, so no atomics are needed. Overlapping windows use maxpool2d_backward (a gather).
#include "include/elements.wgsl"
struct Params { n: u32, }
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> argmax: array<i32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
fn element(i: u32) {
  dx[u32(argmax[i])] = dy[i];
}
