// Entry point of the one-dimensional kernels: one invocation per element (or row), WG
// invocations per workgroup (an override constant: Tiling.elementwise). The host folds large
// dispatches into 2-D/3-D grids, so the index is rebuilt from all three workgroup coordinates;
// invocations past the end exist and each kernel's `invocation(i)` must bounds-check i.
// The kernel declares `struct Params` (bound here at binding 0) and `fn invocation(i: u32)`.
@group(0) @binding(0) var<uniform> p: Params;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  invocation((wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid);
}
