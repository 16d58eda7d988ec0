// Entry point of the workgroup reductions (grid 'workgroups', launched with { workgroups }): one
// workgroup of WG invocations (override constant, Tiling.elementwise) per work item g. Each lane
// computes a partial value (fn lanePartial(g, lane) -> f32), the kernel's fn reduceLanes(v, lane)
// combines the WG partials through the workgroup memory `part` (a tree, or subgroup sums first),
// and lane 0 stores the total (fn storeItem(g, total)). Spare workgroups of a folded grid stop
// here, whole (fn workItems() -> u32), so every barrier is reached by the whole workgroup.
#include "include/workgroup-1d.wgsl"
var<workgroup> part: array<f32, WG>;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  if (g >= workItems()) { return; }
  let total = reduceLanes(lanePartial(g, lane), lane);
  if (lane == 0u) { storeItem(g, total); }
}
