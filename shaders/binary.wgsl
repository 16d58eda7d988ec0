// binary: out = a op b with NumPy broadcasting (rank <= 8); op 0 add, 1 sub, 2 mul, 3 div.
// shape: the output shape; aStrides/bStrides: element strides of a and b per output axis (0 where broadcast).
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
fn element(i: u32) {
  let at = broadcastPair(i);
  let ia = at.x;
  let ib = at.y;
  let va = a[ia];
  let vb = b[ib];
  var r: f32;
  switch (p.op) {
    case 0u: { r = va + vb; }
    case 1u: { r = va - vb; }
    case 2u: { r = va * vb; }
    default: { r = va / vb; }
  }
  out[i] = r;
}
