// Entry point of the optimizer updates: one invocation per weight (n of them) over the flat
// parameter and gradient buffers (bindings 1 and 2; the kernel's state buffers follow from 3).
// The kernel declares `struct Params` with `n` first and `decay`, and
// `fn update(i: u32, g: f32, w: f32)`: g the gradient, w the weight after the decoupled weight
// decay (w -= decay * w, Keras 3; 0 for none), applied first by every optimizer.
#include "include/elements.wgsl"
#storage(1) read_write param: f32, read grad: f32
fn element(i: u32) {
  update(i, grad[i], param[i] - p.decay * param[i]);
}
