// sgd without momentum (Keras): w -= decay * w; w -= lr * g. One dispatch over the flat buffers.
#include "include/elements.wgsl"
struct Params { n: u32, learningRate: f32, decay: f32, }
#storage(1) read_write param: f32, read grad: f32
fn element(i: u32) {
  let w = param[i] - p.decay * param[i];
  param[i] = w - p.learningRate * grad[i];
}
