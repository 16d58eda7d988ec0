// Entry point of the element-wise kernels: the kernel declares `struct Params` with `n` first and
// `fn element(i: u32)`, called once for each i < n. The host may launch fewer invocations than n
// (Tiling.elementGroups caps the workgroups, where an adapter pays per workgroup), so each
// invocation walks the elements one whole grid apart; with no cap the loop runs once. The host
// folds large dispatches into 2-D/3-D grids, so the index and the grid's size are rebuilt from
// all three workgroup coordinates. GRID_STRIDE tells the launch (launch.ts) it may cap the grid.
#include "include/workgroup-1d.wgsl"
const GRID_STRIDE: u32 = 1u;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let stride = nwg.x * nwg.y * nwg.z * WG;
  for (var i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid; i < p.n; i += stride) {
    element(i);
  }
}
