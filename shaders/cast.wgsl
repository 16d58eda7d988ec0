// cast between float32 and int32 on raw 32-bit words. mode 0: float32 -> int32, rounding toward zero
// and saturating, NaN -> 0 (tested on the bits, since NaN comparisons may be optimised away);
// mode 1: int32 -> float32.
#include "include/elements.wgsl"
struct Params { n: u32, mode: u32, }
#storage(1) read x: u32, read_write y: u32
fn element(i: u32) {
  let bits = x[i];
  if (p.mode == 1u) {
    y[i] = bitcast<u32>(f32(bitcast<i32>(bits)));
    return;
  }
  var r: i32;
  let v = bitcast<f32>(bits);
  if ((bits & 0x7fffffffu) > 0x7f800000u) { r = 0; }
  else if (v >= 2147483648.0) { r = 2147483647; }
  else if (v <= -2147483648.0) { r = -2147483647 - 1; }
  else { r = i32(v); }
  y[i] = bitcast<u32>(r);
}
