// unary_math: y = op(x), the element-wise math and activation family (ops/math.ts, ops/activations.ts).
// op: 0 sqrt, 1 rsqrt, 2 square, 3 abs, 4 sign, 5 sigmoid, 6 tanh, 7 gelu (tanh form), 8 gelu (erf form),
// 9 softplus, 10 leakyRelu (alpha), 11 elu (alpha), 12 clip [alpha, beta]. The stable forms match the
// CPU twin (engine/backends/cpu/math.ts): gelu-tanh is x·sigmoid(2u), gelu-erf is 0.5·x·erfc(-x/√2).
struct Params { n: u32, op: u32, alpha: f32, beta: f32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
override WG: u32 = 64;

fn sigmoid(v: f32) -> f32 {
  if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); }
  let e = exp(v);
  return e / (1.0 + e);
}

// tanh from exp(-2|v|), which never overflows; sign restored.
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

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
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
