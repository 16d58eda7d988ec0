// Entry point of the tap-looped 'subgroup' conv variants (grid 'subgroup-taps'; the device needs
// the `subgroups` feature): the grid, 4x4 blocks and subgroup sharing of
// include/gemm-subgroup.wgsl, but the reduction walks the filter taps (kh, kw) and, inside a
// tap, the channels, instead of one flat k. So the tap's position test and offset are worked out
// once per tap and row (gemm-subgroup's loadA splits every k into (kh, kw, channel) with two
// divisions per lane and element), and the lanes load consecutive channels of one pixel: A is a
// plain strided read, as the matmul's is. A tap no row of the block reaches is skipped.
//
// Must be the kernel's first include. The operand file declares, beside the conv Params,
// outputExtent, RowInfo / rowInfo and storeRow of include/gemm-conv2d*.wgsl:
//   fn tapChannels() -> u32                     channels summed per tap;
//   fn tapOffset(r: RowInfo, t: u32) -> i32     offset in A's buffer of tap t's channel 0 for
//                                               that row, or -1 where the tap falls outside;
//   fn tapA(i: u32) -> f32                      A's buffer at i;
//   fn tapB4(t: u32, c: u32, cols: vec4<u32>) -> vec4<f32>   B at (tap t, channel c) for 4 columns.
enable subgroups;
// The lanes are subgroup-uniform by the run-time check, which the uniformity analysis cannot see.
diagnostic(off, subgroup_uniformity);
#include "include/block4.wgsl"
@group(0) @binding(0) var<uniform> p: Params;
override WGX: u32 = 8;
override WGY: u32 = 8;
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) width: u32) {
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let rest = g / p.tilesX;
  let layer = rest / p.tilesY;
  if (layer >= p.layers) { return; } // a whole workgroup of the folded grid's spare ones
  let extent = outputExtent();
  let row0 = ((rest % p.tilesY) * WGY + lid.y) * BLOCK_ROWS;
  let col0 = ((g % p.tilesX) * WGX + lid.x) * BLOCK_COLS;
  let rows = span4(min(row0, extent.x - 1u), extent.x - 1u);
  let cols = span4(min(col0, extent.y - 1u), extent.y - 1u);
  let r0 = rowInfo(rows.x);
  let r1 = rowInfo(rows.y);
  let r2 = rowInfo(rows.z);
  let r3 = rowInfo(rows.w);
  let C = tapChannels();
  let taps = p.kH * p.kW;
  var acc: Block4;
  let sharedRows = subgroupAll(rows.x == subgroupBroadcastFirst(rows.x)) && subgroupAdd(1u) == width;
  for (var t = 0u; t < taps; t++) {
    let o = vec4<i32>(tapOffset(r0, t), tapOffset(r1, t), tapOffset(r2, t), tapOffset(r3, t));
    let valid = o >= vec4<i32>(0);
    // Uniform across the subgroup on the shared path (same rows); per lane otherwise.
    if (!any(valid)) { continue; }
    let ou = vec4<u32>(max(o, vec4<i32>(0)));
    if (sharedRows) {
      for (var c0 = 0u; c0 < C; c0 += width) {
        let c = min(c0 + lane, C - 1u);
        let mine = select(vec4<f32>(0.0), vec4<f32>(tapA(ou.x + c), tapA(ou.y + c), tapA(ou.z + c), tapA(ou.w + c)), valid);
        let steps = min(width, C - c0);
        for (var j = 0u; j < steps; j++) { mac4(&acc, subgroupShuffle(mine, j), tapB4(t, c0 + j, cols)); }
      }
    } else {
      for (var c = 0u; c < C; c++) {
        mac4(&acc, select(vec4<f32>(0.0), vec4<f32>(tapA(ou.x + c), tapA(ou.y + c), tapA(ou.z + c), tapA(ou.w + c)), valid), tapB4(t, c, cols));
      }
    }
  }
  if (row0 < extent.x && col0 < extent.y) { storeBlock4(acc, row0, col0, layer); }
}
