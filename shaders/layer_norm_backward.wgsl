// layer_norm_backward: dx per row: g = dy * scale, dx = rstd * (g - mean(g) - x̂ * mean(g * x̂)).
// The parameter gradients are norm_column_sums (mode 1).
struct Params { rows: u32, C: u32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read> scale: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (r >= p.rows) { return; }
  let base = r * p.C;
  let mu = mean[r];
  let inv = rstd[r];
  var sg = 0.0;
  var sgx = 0.0;
  for (var c = 0u; c < p.C; c++) {
    let g = dy[base + c] * scale[c];
    sg += g;
    sgx += g * (x[base + c] - mu) * inv;
  }
  let n = f32(p.C);
  for (var c = 0u; c < p.C; c++) {
    let xhat = (x[base + c] - mu) * inv;
    dx[base + c] = inv * (dy[base + c] * scale[c] - sg / n - xhat * sgx / n);
  }
}
