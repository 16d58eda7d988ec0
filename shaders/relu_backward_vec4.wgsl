// reluBackward, four elements per invocation (the launch takes it when the element count is a
// multiple of 4 and Tiling.vec4 is on; n counts vec4s): dx = dy where y > 0, else 0, as
// relu_backward.wgsl. On SwiftShader a memory-bound kernel pays per invocation more than per
// byte: the step's four ReLU gradients at batch 256 took 41-48 ms against 104 ms for the scalar
// kernel (Node, 2026-12-02; fill_vec4.wgsl and maxpool2d_vec4.wgsl gained alike).
#include "include/elements.wgsl"
struct Params { n: u32, }
#storage(1) read dy: vec4<f32>, read y: vec4<f32>, read_write dx: vec4<f32>
fn element(i: u32) {
  dx[i] = select(vec4<f32>(0.0), dy[i], y[i] > vec4<f32>(0.0));
}
