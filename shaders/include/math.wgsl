// The unary_math family (unary_math.wgsl, unary_math_backward.wgsl): one invocation per element,
// the op code and its constants alpha, beta in Params, and the scalar functions both kernels use,
// in the stable forms their CPU twin (engine/backends/cpu/math.ts) also uses.
#include "include/elements.wgsl"
struct Params { n: u32, op: u32, alpha: f32, beta: f32, }
fn sigmoid(v: f32) -> f32 {
  if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); }
  let e = exp(v);
  return e / (1.0 + e);
}
// tanh from exp(-2|v|), which never overflows; the sign restored.
fn tanh_stable(v: f32) -> f32 {
  let t = exp(-2.0 * abs(v));
  let r = (1.0 - t) / (1.0 + t);
  return select(r, -r, v < 0.0);
}
// erfc with fractional error below 1.2e-7 (a Chebyshev fit, Numerical Recipes' erfcc).
fn erfc_approx(v: f32) -> f32 {
  let z = abs(v);
  let t = 1.0 / (1.0 + 0.5 * z);
  let poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let r = t * exp(poly);
  return select(r, 2.0 - r, v < 0.0);
}
