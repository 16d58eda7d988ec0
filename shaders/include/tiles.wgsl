// Entry point of the register-blocked kernels whose WGX x WGY workgroup covers a 2-D tile of
// blocks: invocation (x, y) of workgroup tile (tx, ty) computes block (ty*WGY + y, tx*WGX + x),
// each block BLOCK_ROWS x BLOCK_COLS outputs (constants of the accumulator include,
// block4.wgsl or block8.wgsl; the launch in engine/backends/webgpu/launch.ts reads them from
// the reflected shader). The launch sets
// tilesX/tilesY (tiles of workgroups) and `layers` (a third axis, e.g. the reduction chunks);
// the folded grid may hold extra workgroups, which stop here. The kernel declares
// `struct Params` with tilesX, tilesY, layers, `fn outputExtent() -> vec2<u32>` (rows, columns
// of its output matrix) and `fn computeBlock(row0: u32, col0: u32, layer: u32)`, called with
// the block's first row and column when they lie inside the output.
#include "include/workgroup-2d.wgsl"
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let rest = g / p.tilesX;
  let layer = rest / p.tilesY;
  let row0 = ((rest % p.tilesY) * WGY + lid.y) * BLOCK_ROWS;
  let col0 = ((g % p.tilesX) * WGX + lid.x) * BLOCK_COLS;
  let extent = outputExtent();
  if (layer < p.layers && row0 < extent.x && col0 < extent.y) { computeBlock(row0, col0, layer); }
}
