// unary: y = op(x); op 0 neg, 1 exp, 2 log, 3 relu.
struct Params { n: u32, op: u32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
  let v = x[i];
  var r: f32;
  switch (p.op) {
    case 0u: { r = -v; }
    case 1u: { r = exp(v); }
    case 2u: { r = log(v); }
    default: { r = max(v, 0.0); }
  }
  y[i] = r;
}
