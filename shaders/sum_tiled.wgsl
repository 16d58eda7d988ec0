// sum, the tiled variant (variants.ts): a workgroup per (output, chunk) (include/sum-chunks.wgsl),
// its WG partial sums added by a tree in workgroup memory, halving each step (any WG).
#include "include/reduce-group.wgsl"
#include "include/sum-chunks.wgsl"
fn reduceLanes(v: f32, lane: u32) -> f32 {
  part[lane] = v;
  workgroupBarrier();
  for (var n = WG; n > 1u; n = (n + 1u) / 2u) {
    let h = (n + 1u) / 2u;
    if (lane + h < n) { part[lane] += part[lane + h]; }
    workgroupBarrier();
  }
  return part[0];
}
