// Entry point of the one-dimensional kernels: one invocation per element (or row), WG
// invocations per workgroup (an override constant: Tiling.elementwise). The host folds large
// dispatches into 2-D/3-D grids, so the index is rebuilt from all three workgroup coordinates;
// invocations past the end exist and each kernel's `invocation(i)` must bounds-check i.
// The kernel declares `struct Params` (bound at binding 0 by include/workgroup-1d.wgsl) and
// `fn invocation(i: u32)`.
#include "include/workgroup-1d.wgsl"
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  invocation((wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid);
}
