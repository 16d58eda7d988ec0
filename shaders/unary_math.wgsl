// unary_math: y = op(x), the element-wise math and activation family (ops/math.ts, ops/activations.ts).
// op: 0 sqrt, 1 rsqrt, 2 square, 3 abs, 4 sign, 5 sigmoid, 6 tanh, 7 gelu (tanh form), 8 gelu (erf form),
// 9 softplus, 10 leakyRelu (alpha), 11 elu (alpha), 12 clip [alpha, beta]. The stable forms match the
// CPU twin (engine/backends/cpu/math.ts): gelu-tanh is x·sigmoid(2u), gelu-erf is 0.5·x·erfc(-x/√2).
#include "include/math.wgsl"
#storage(1) read x: f32, read_write y: f32

fn element(i: u32) {
  let v = x[i];
  var r: f32;
  switch (p.op) {
    case 0u: { r = sqrt(v); }
    case 1u: { r = 1.0 / sqrt(v); }
    case 2u: { r = v * v; }
    case 3u: { r = abs(v); }
    case 4u: { r = sign(v); }
    case 5u: { r = sigmoid(v); }
    case 6u: { r = tanh_stable(v); }
    case 7u: { r = v * sigmoid(1.5957691216057308 * (v + 0.044715 * v * v * v)); }
    case 8u: { r = 0.5 * v * erfc_approx(-v * 0.7071067811865476); }
    case 9u: { r = max(v, 0.0) + log(1.0 + exp(-abs(v))); }
    case 10u: { r = select(p.alpha * v, v, v > 0.0); }
    case 11u: { r = select(p.alpha * (exp(v) - 1.0), v, v > 0.0); }
    default: { r = min(max(v, p.alpha), p.beta); }
  }
  y[i] = r;
}
