// sgd with momentum (Keras): w -= decay * w; velocity = momentum*velocity - lr*g;
// w += velocity, or with Nesterov w += momentum*velocity - lr*g. One dispatch over the flat buffers.
#include "include/elements.wgsl"
struct Params { n: u32, learningRate: f32, momentum: f32, nesterov: u32, decay: f32, }
#storage(1) read_write param: f32, read grad: f32, read_write velocity: f32
fn element(i: u32) {
  let g = grad[i];
  let w = param[i] - p.decay * param[i];
  let vi = p.momentum * velocity[i] - p.learningRate * g;
  velocity[i] = vi;
  if (p.nesterov != 0u) {
    param[i] = w + (p.momentum * vi - p.learningRate * g);
  } else {
    param[i] = w + vi;
  }
}
