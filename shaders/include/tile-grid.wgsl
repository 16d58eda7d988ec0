// The workgroup tiles of the 2-D grids (include/tiles.wgsl, include/gemm-tiled.wgsl,
// include/gemm-subgroup.wgsl): per layer, tilesX x tilesY tiles of WGX x WGY invocations, each
// invocation a BLOCK_ROWS x BLOCK_COLS block, folded by the launch into a grid of workgroups
// (which may hold spare ones: layer >= p.layers).
#include "include/workgroup-2d.wgsl"
// Workgroup wid's layer and its tile's first output row and column (origin.x, origin.y).
struct Tile { layer: u32, origin: vec2<u32>, }
fn tileOf(wid: vec3<u32>, nwg: vec3<u32>) -> Tile {
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let rest = g / p.tilesX;
  return Tile(rest / p.tilesY, vec2<u32>((rest % p.tilesY) * WGY * BLOCK_ROWS, (g % p.tilesX) * WGX * BLOCK_COLS));
}
// The first output row and column of invocation lid's block in tile t.
fn blockOrigin(t: Tile, lid: vec3<u32>) -> vec2<u32> {
  return t.origin + vec2<u32>(lid.y * BLOCK_ROWS, lid.x * BLOCK_COLS);
}
