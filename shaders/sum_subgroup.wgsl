// sum, the subgroup variant (variants.ts; needs the `subgroups` feature): a workgroup per
// (output, chunk) (include/sum-chunks.wgsl); each subgroup adds its lanes with subgroupAdd, its
// first active lane puts the total in workgroup memory (the others 0), and lane 0 adds those in
// lane order, so the result does not depend on how lanes are grouped.
enable subgroups;
#include "include/reduce-group.wgsl"
#include "include/sum-chunks.wgsl"
fn reduceLanes(v: f32, lane: u32) -> f32 {
  let t = subgroupAdd(v);
  part[lane] = select(0.0, t, subgroupBroadcastFirst(lane) == lane);
  workgroupBarrier();
  var total = 0.0;
  if (lane == 0u) {
    for (var i = 0u; i < WG; i++) { total += part[i]; }
  }
  return total;
}
