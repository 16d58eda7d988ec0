// maxPool2dBackward for non-overlapping windows (stride >= pool size, the tutorial's 2x2/2):
// every input lies in at most one window, so one invocation per OUTPUT writes its dy to the
// input its window recorded as argmax; dx was zero-filled before. No two invocations write the
// same element, so no atomics are needed. Overlapping windows use maxpool2d_backward (a gather).
// Here n counts the outputs (dy), not the inputs.
#include "include/pool-backward.wgsl"
fn element(i: u32) {
  dx[u32(argmax[i])] = dy[i];
}
