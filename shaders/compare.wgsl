// compare: out = (a op b) as int32 0/1, with NumPy broadcasting (include/broadcast.wgsl, rank <= 8).
// a and b share a dtype, read as raw 32-bit words and reinterpreted (isInt 1: int32, 0: float32).
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
#storage(1) read a: u32, read b: u32, read_write out: i32
fn operandStrides(axis: u32) -> vec3<u32> { return vec3<u32>(p.aStrides[axis / 4u][axis % 4u], p.bStrides[axis / 4u][axis % 4u], 0u); }

// (less, equal, greater): all false for NaN, so only notEqual holds (IEEE 754).
fn orderF(x: f32, y: f32) -> vec3<bool> { return vec3<bool>((x < y), (x == y), (x > y)); }
fn orderI(x: i32, y: i32) -> vec3<bool> { return vec3<bool>((x < y), (x == y), (x > y)); }
fn decide(op: u32, o: vec3<bool>) -> bool {
  switch (op) {
    case 0u: { return o.y; }
    case 1u: { return !o.y; }
    case 2u: { return o.x; }
    case 3u: { return o.x || o.y; }
    case 4u: { return o.z; }
    default: { return o.z || o.y; }
  }
}

fn element(i: u32) {
  let at = broadcastIndex(i);
  let wa = a[at.x];
  let wb = b[at.y];
  let o = select(orderF(bitcast<f32>(wa), bitcast<f32>(wb)), orderI(bitcast<i32>(wa), bitcast<i32>(wb)), p.isInt == 1u);
  out[i] = select(0, 1, decide(p.op, o));
}
