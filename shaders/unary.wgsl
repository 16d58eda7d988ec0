// unary: y = op(x); op 0 neg, 1 exp, 2 log, 3 relu (NaN stays NaN: include/relu.wgsl).
#include "include/map.wgsl"
#include "include/relu.wgsl"
struct Params { n: u32, op: u32, }
fn map(v: f32) -> f32 {
  switch (p.op) {
    case 0u: { return -v; }
    case 1u: { return exp(v); }
    case 2u: { return log(v); }
    default: { return relu(v); }
  }
}
