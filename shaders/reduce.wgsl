// reduce: one invocation per output scans its reduced elements in row-major order (as the CPU twin).
// The host collapses adjacent axes, so the kept axes (keptShape/keptStrides, <= 4) and the reduced axes
// (redShape/redStrides, <= 4) index x directly. op: 0 max, 1 min, 2 logSumExp (maximum subtracted),
// 3 argmax, 4 argmin (int32: the first extreme's position in the reduced block). out holds raw 32-bit
// words: float results are bitcast, indices are not.
struct Params {
  outSize: u32, redSize: u32, keptRank: u32, redRank: u32,
  op: u32, _p0: u32, _p1: u32, _p2: u32,
  keptShape: vec4<u32>, keptStrides: vec4<u32>,
  redShape: vec4<u32>, redStrides: vec4<u32>,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
override WG: u32 = 64;

fn offset_of(r: u32) -> u32 {
  var off = 0u;
  var q = r;
  for (var d = i32(p.redRank) - 1; d >= 0; d--) {
    let s = p.redShape[d];
    off += (q % s) * p.redStrides[d];
    q = q / s;
  }
  return off;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (o >= p.outSize) { return; }
  var base = 0u;
  var rest = o;
  for (var d = i32(p.keptRank) - 1; d >= 0; d--) {
    let s = p.keptShape[d];
    base += (rest % s) * p.keptStrides[d];
    rest = rest / s;
  }
  var best = x[base];
  var at = 0u;
  for (var r = 1u; r < p.redSize; r++) {
    let v = x[base + offset_of(r)];
    let better = select(v > best, v < best, p.op == 1u || p.op == 4u);
    if (better) { best = v; at = r; }
  }
  if (p.op == 3u || p.op == 4u) {
    out[o] = at;
  } else if (p.op == 2u) {
    // best is the maximum here; an infinite maximum is the result itself.
    if (abs(best) > 3.402823e38) {
      out[o] = bitcast<u32>(best);
      return;
    }
    var s = 0.0;
    for (var r = 0u; r < p.redSize; r++) { s += exp(x[base + offset_of(r)] - best); }
    out[o] = bitcast<u32>(best + log(s));
  } else {
    out[o] = bitcast<u32>(best);
  }
}
