// adagrad (Keras 3): w -= decay * w; accumulator += g*g; w -= lr * g / sqrt(accumulator + epsilon).
#include "include/elements.wgsl"
struct Params { n: u32, learningRate: f32, epsilon: f32, decay: f32, }
#storage(1) read_write param: f32, read grad: f32, read_write accumulator: f32
fn element(i: u32) {
  let g = grad[i];
  let w = param[i] - p.decay * param[i];
  let a = accumulator[i] + g * g;
  accumulator[i] = a;
  param[i] = w - p.learningRate * g / sqrt(a + p.epsilon);
}
