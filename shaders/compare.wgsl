// compare: out = (a op b) as int32 0/1, with NumPy broadcasting (rank <= 8). a and b share a dtype,
// read as raw 32-bit words and reinterpreted (isInt 1: int32, 0: float32).
// op: 0 equal, 1 notEqual, 2 less, 3 lessEqual, 4 greater, 5 greaterEqual.
#include "include/elements.wgsl"
#include "include/broadcast.wgsl"
struct Params {
  n: u32, rank: u32, op: u32, contiguous: u32,
  isInt: u32, _p0: u32, _p1: u32, _p2: u32,
  shape: array<vec4<u32>, 2>,
  aStrides: array<vec4<u32>, 2>,
  bStrides: array<vec4<u32>, 2>,
}
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<i32>;

fn cmp_f(op: u32, x: f32, y: f32) -> bool {
  switch (op) {
    case 0u: { return x == y; }
    case 1u: { return x != y; }
    case 2u: { return x < y; }
    case 3u: { return x <= y; }
    case 4u: { return x > y; }
    default: { return x >= y; }
  }
}

fn cmp_i(op: u32, x: i32, y: i32) -> bool {
  switch (op) {
    case 0u: { return x == y; }
    case 1u: { return x != y; }
    case 2u: { return x < y; }
    case 3u: { return x <= y; }
    case 4u: { return x > y; }
    default: { return x >= y; }
  }
}

fn element(i: u32) {
  let at = broadcastPair(i);
  let ia = at.x;
  let ib = at.y;
  var r: bool;
  if (p.isInt == 1u) { r = cmp_i(p.op, bitcast<i32>(a[ia]), bitcast<i32>(b[ib])); }
  else { r = cmp_f(p.op, bitcast<f32>(a[ia]), bitcast<f32>(b[ib])); }
  out[i] = select(0, 1, r);
}
