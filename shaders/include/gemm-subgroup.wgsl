// Entry point of the 'subgroup' GEMM variants (grid 'subgroup-tiles'; the device needs the
// `subgroups` feature). The grid is that of include/tiles.wgsl, each invocation a 4x4 block
// (block4.wgsl). Invocations of a workgroup row share their block's rows, so the lanes of a
// subgroup usually compute the same rows of C: then each lane loads A(rows, k0 + lane) once and
// the lanes pass those to each other with subgroupShuffle, so A is loaded once per subgroup
// instead of once per lane (A is the expensive operand of the convolutions: a gather with
// index arithmetic and padding tests). Whether the lanes share their rows, and all are active,
// is checked at run time (subgroupAll), never assumed: otherwise the subgroup loads as the
// blocked kernels do. Every invocation runs to the end (clamped), so no lane a shuffle reads
// from has left; only those inside the output store.
//
// Must be the kernel's first include (the `enable` directive precedes every declaration). The
// operand file (include/gemm-*.wgsl) declares what include/gemm-tiled.wgsl lists.
enable subgroups;
// The lanes are subgroup-uniform by the run-time check, which the uniformity analysis cannot see.
diagnostic(off, subgroup_uniformity);
#include "include/block4.wgsl"
#include "include/workgroup-2d.wgsl"
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
  let range = reductionRange(layer);
  var acc: Block4;
  let sharedRows = subgroupAll(rows.x == subgroupBroadcastFirst(rows.x)) && subgroupAdd(1u) == width;
  if (sharedRows) {
    for (var k0 = range.x; k0 < range.y; k0 += width) {
      let k = k0 + lane;
      var mine = vec4<f32>(0.0);
      if (k < range.y) { mine = vec4<f32>(loadA(r0, k), loadA(r1, k), loadA(r2, k), loadA(r3, k)); }
      let steps = min(width, range.y - k0);
      for (var j = 0u; j < steps; j++) { mac4(&acc, subgroupShuffle(mine, j), loadB4(k0 + j, cols)); }
    }
  } else {
    for (var k = range.x; k < range.y; k++) {
      mac4(&acc, vec4<f32>(loadA(r0, k), loadA(r1, k), loadA(r2, k), loadA(r3, k)), loadB4(k, cols));
    }
  }
  if (row0 < extent.x && col0 < extent.y) { storeBlock4(acc, row0, col0, layer); }
}
