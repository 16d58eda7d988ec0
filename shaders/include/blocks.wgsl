// Entry point of the register-blocked kernels whose invocations are numbered linearly (column
// block fastest), so no lane idles when a row of blocks is narrower than the workgroup: the
// workgroup size is WGX*WGY (override constants; only the product matters). Each invocation
// computes a block of BLOCK_ROWS x BLOCK_COLS outputs (constants of the accumulator include,
// block4.wgsl or block8.wgsl, read by the launch in engine/backends/webgpu/launch.ts). The launch sets tilesX/tilesY to the number
// of column/row blocks and `layers` (a third axis, e.g. the reduction chunks); invocations past
// the end stop here. The kernel declares `struct Params` with tilesX, tilesY, layers,
// `fn outputExtent() -> vec2<u32>` (rows, columns of its output matrix) and
// `fn computeBlock(row0: u32, col0: u32, layer: u32)`, called with the block's first row and column.
#include "include/workgroup-2d.wgsl"
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let gi = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * (WGX * WGY) + li;
  let blocks = p.tilesX * p.tilesY;
  let layer = gi / blocks;
  let b = gi % blocks;
  if (layer < p.layers) { computeBlock((b / p.tilesX) * BLOCK_ROWS, (b % p.tilesX) * BLOCK_COLS, layer); }
}
