// adagrad (Keras 3): w -= decay * w; accumulator += g*g; w -= lr * g / sqrt(accumulator + epsilon).
#include "include/optimizer.wgsl"
struct Params { n: u32, learningRate: f32, epsilon: f32, decay: f32, }
#storage(3) read_write accumulator: f32
fn update(i: u32, g: f32, w: f32) {
  let a = accumulator[i] + g * g;
  accumulator[i] = a;
  param[i] = w - p.learningRate * g / sqrt(a + p.epsilon);
}
