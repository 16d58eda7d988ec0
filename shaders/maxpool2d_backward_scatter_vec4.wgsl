// maxPool2dBackward for non-overlapping windows, four outputs per invocation (the launch takes
// it when the output count is a multiple of 4 and Tiling.vec4 is on; n counts vec4s of dy):
// maxpool2d_backward_scatter.wgsl with dy and argmax read as vec4. dx was zero-filled before.
#include "include/elements.wgsl"
#include "include/pool.wgsl"
#storage(1) read dy: vec4<f32>, read argmax: vec4<i32>, read_write dx: f32
fn element(i: u32) {
  let g = dy[i];
  let at = vec4<u32>(argmax[i]);
  dx[at.x] = g.x;
  dx[at.y] = g.y;
  dx[at.z] = g.z;
  dx[at.w] = g.w;
}
