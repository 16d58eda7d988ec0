// unary_math_backward: dx = dy * op'(x) for the unary_math family (same op codes, alpha, beta).
#include "include/math.wgsl"
#storage(1) read dy: f32, read x: f32, read_write dx: f32

fn element(i: u32) {
  let v = x[i];
  var d: f32;
  switch (p.op) {
    case 0u: { d = 0.5 / sqrt(v); }
    case 1u: { d = -0.5 / (v * sqrt(v)); }
    case 2u: { d = 2.0 * v; }
    case 3u: { d = sign(v); }
    case 4u: { d = 0.0; }
    case 5u: { let s = sigmoid(v); d = s * (1.0 - s); }
    case 6u: { let t = tanh_stable(v); d = 1.0 - t * t; }
    case 7u: {
      let s = sigmoid(1.5957691216057308 * (v + 0.044715 * v * v * v));
      d = s + v * s * (1.0 - s) * 1.5957691216057308 * (1.0 + 0.134145 * v * v);
    }
    case 8u: { d = 0.5 * erfc_approx(-v * 0.7071067811865476) + v * 0.3989422804014327 * exp(-0.5 * v * v); }
    case 9u: { d = sigmoid(v); }
    case 10u: { d = select(p.alpha, 1.0, v > 0.0); }
    case 11u: { d = select(p.alpha * exp(v), 1.0, v > 0.0); }
    default: { d = select(0.0, 1.0, v >= p.alpha && v <= p.beta); }
  }
  dx[i] = dy[i] * d;
}
