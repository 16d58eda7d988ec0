// binary_math: out = a op b with NumPy broadcasting (rank <= 8), as binary.wgsl.
// op: 0 pow, 1 maximum, 2 minimum, 3 squaredDifference, 4 sigmoidCrossEntropy (a logits, b labels:
// max(a, 0) - a*b + log(1 + exp(-|a|))). pow handles what exp2(b*log2(a)) gets wrong: b = 0 gives 1,
// a = 0 gives 0 or +inf, a negative base with an integer exponent takes the exponent's parity.
#include "include/elements.wgsl"
#include "include/broadcast.wgsl"
struct Params {
  n: u32, rank: u32, op: u32, contiguous: u32,
  shape: array<vec4<u32>, 2>,
  aStrides: array<vec4<u32>, 2>,
  bStrides: array<vec4<u32>, 2>,
}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

// Infinity and NaN from bits held in a var: WGSL rejects them as constant expressions.
fn from_bits(b: u32) -> f32 {
  var v = b;
  return bitcast<f32>(v);
}

fn pow_full(x: f32, e: f32) -> f32 {
  if (e == 0.0) { return 1.0; }
  if (x == 0.0) { return select(from_bits(0x7f800000u), 0.0, e > 0.0); }
  if (x > 0.0) { return pow(x, e); }
  if (floor(e) != e) { return from_bits(0x7fc00000u); }
  let r = pow(-x, e);
  // Odd integer exponents keep the sign (|e| < 2^24 is exact in f32, so the parity test is exact).
  let odd = abs(e) < 16777216.0 && (u32(abs(e)) & 1u) == 1u;
  return select(r, -r, odd);
}

fn element(i: u32) {
  let at = broadcastPair(i);
  let ia = at.x;
  let ib = at.y;
  let va = a[ia];
  let vb = b[ib];
  var r: f32;
  switch (p.op) {
    case 0u: { r = pow_full(va, vb); }
    case 1u: { r = max(va, vb); }
    case 2u: { r = min(va, vb); }
    case 3u: { r = (va - vb) * (va - vb); }
    default: { r = max(va, 0.0) - va * vb + log(1.0 + exp(-abs(va))); }
  }
  out[i] = r;
}
