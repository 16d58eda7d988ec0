// where: out = cond != 0 ? a : b, all three broadcast to the output (rank <= 8). a, b and out are raw
// 32-bit words, so one kernel serves float32 and int32.
#include "include/elements.wgsl"
struct Params {
  n: u32, rank: u32, _p0: u32, _p1: u32,
  shape: array<vec4<u32>, 2>,
  condStrides: array<vec4<u32>, 2>,
  aStrides: array<vec4<u32>, 2>,
  bStrides: array<vec4<u32>, 2>,
}
@group(0) @binding(1) var<storage, read> cond: array<i32>;
@group(0) @binding(2) var<storage, read> a: array<u32>;
@group(0) @binding(3) var<storage, read> b: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<u32>;
fn element(i: u32) {
  var ic = 0u;
  var ia = 0u;
  var ib = 0u;
  var rest = i;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let du = u32(d);
    let size = p.shape[du / 4u][du % 4u];
    let c = rest % size;
    rest = rest / size;
    ic += c * p.condStrides[du / 4u][du % 4u];
    ia += c * p.aStrides[du / 4u][du % 4u];
    ib += c * p.bStrides[du / 4u][du % 4u];
  }
  out[i] = select(b[ib], a[ia], cond[ic] != 0);
}
