// binary_math: out = a op b with NumPy broadcasting (include/binary.wgsl).
// op: 0 pow, 1 maximum, 2 minimum, 3 squaredDifference, 4 sigmoidCrossEntropy (a logits, b labels:
// max(a, 0) - a*b + log(1 + exp(-|a|))). pow handles what exp2(b*log2(a)) gets wrong: b = 0 gives 1,
// a = 0 gives 0 or +inf, a negative base with an integer exponent takes the exponent's parity.
#include "include/binary.wgsl"

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

fn combine(op: u32, va: f32, vb: f32) -> f32 {
  switch (op) {
    case 0u: { return pow_full(va, vb); }
    case 1u: { return max(va, vb); }
    case 2u: { return min(va, vb); }
    case 3u: { return (va - vb) * (va - vb); }
    default: { return max(va, 0.0) - va * vb + log(1.0 + exp(-abs(va))); }
  }
}
