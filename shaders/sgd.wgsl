// sgd without momentum (Keras): w -= decay * w; w -= lr * g. One dispatch over the flat buffers.
#include "include/optimizer.wgsl"
struct Params { n: u32, learningRate: f32, decay: f32, }
fn update(i: u32, g: f32, w: f32) {
  param[i] = w - p.learningRate * g;
}
