// unary_math_backward: dx = dy * op'(x) for the unary_math family (same op codes, alpha, beta).
struct Params { n: u32, op: u32, alpha: f32, beta: f32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
override WG: u32 = 64;

fn sigmoid(v: f32) -> f32 {
  if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); }
  let e = exp(v);
  return e / (1.0 + e);
}

fn tanh_stable(v: f32) -> f32 {
  let t = exp(-2.0 * abs(v));
  let r = (1.0 - t) / (1.0 + t);
  return select(r, -r, v < 0.0);
}

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
