// adam: one dispatch over flat parameter, gradient and moment buffers (Keras semantics):
// w -= decay * w (decoupled weight decay, AdamW; 0 for Adam);
// m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g; w -= stepSize * m / (sqrt(v) + epsilon).
#include "include/elements.wgsl"
struct Params { n: u32, stepSize: f32, beta1: f32, beta2: f32, epsilon: f32, decay: f32, }
#storage(1) read_write param: f32, read grad: f32, read_write m: f32, read_write v: f32
fn element(i: u32) {
  let g = grad[i];
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let w = param[i] - p.decay * param[i];
  param[i] = w - p.stepSize * mi / (sqrt(vi) + p.epsilon);
}
