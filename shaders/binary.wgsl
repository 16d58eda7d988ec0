// binary: out = a op b with NumPy broadcasting (include/binary.wgsl); op 0 add, 1 sub, 2 mul, 3 div.
#include "include/binary.wgsl"
fn combine(op: u32, va: f32, vb: f32) -> f32 {
  switch (op) {
    case 0u: { return va + vb; }
    case 1u: { return va - vb; }
    case 2u: { return va * vb; }
    default: { return va / vb; }
  }
}
