// rmsprop (Keras 3): w -= decay * w; velocity = rho*velocity + (1-rho)*g*g;
// centered: average = rho*average + (1-rho)*g, denominator = velocity - average^2 + epsilon,
// else denominator = velocity + epsilon; increment = lr * g / sqrt(denominator);
// with momentum: mom = momentum*mom + increment, w -= mom; else w -= increment.
// `mom` and `average` are bound always (a one-element stand-in when unused) and touched only
// when their flag is set, so one program covers the four variants.
#include "include/elements.wgsl"
struct Params { n: u32, learningRate: f32, rho: f32, momentum: f32, epsilon: f32, decay: f32, useMomentum: u32, centered: u32, }
#storage(1) read_write param: f32, read grad: f32, read_write velocity: f32, read_write mom: f32, read_write average: f32
fn element(i: u32) {
  let g = grad[i];
  let w = param[i] - p.decay * param[i];
  let vel = p.rho * velocity[i] + (1.0 - p.rho) * g * g;
  velocity[i] = vel;
  var denominator = vel + p.epsilon;
  if (p.centered != 0u) {
    let a = p.rho * average[i] + (1.0 - p.rho) * g;
    average[i] = a;
    denominator = vel - a * a + p.epsilon;
  }
  let increment = p.learningRate * g / sqrt(denominator);
  if (p.useMomentum != 0u) {
    let mi = p.momentum * mom[i] + increment;
    mom[i] = mi;
    param[i] = w - mi;
  } else {
    param[i] = w - increment;
  }
}
