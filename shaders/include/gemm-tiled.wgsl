// Entry point of the 'tiled' GEMM variants (grid 'shared-tiles'): a WGX x WGY workgroup covers a
// tile of (WGY*4) x (WGX*4) outputs, as in include/tiles.wgsl, each invocation a 4x4 block
// (block4.wgsl). For each step of TILE_K along the reduction, the workgroup first copies its
// tile of A (rows x TILE_K) and of B (TILE_K x columns) into workgroup memory, each element
// loaded once, then every invocation multiplies from there. This is the shape real GPUs reward;
// software adapters pay more for the barriers than they save (the tuner decides, tuner.ts).
//
// The kernel includes an operand file (include/gemm-*.wgsl) that declares `struct Params` (with
// tilesX, tilesY, layers), `fn outputExtent() -> vec2<u32>` (M, N), `fn reductionRange(layer)
// -> vec2<u32>` ([kStart, kEnd) of this layer), `struct RowInfo` with `fn rowInfo(m) -> RowInfo`
// and `fn loadA(info: RowInfo, k: u32) -> f32` (A(m, k), m and k in range), `fn loadB4(k: u32,
// cols: vec4<u32>) -> vec4<f32>` (B(k, cols), cols clamped into range) and block4's `storeRow`.
// Every invocation runs to the end (the barriers need them all); only those inside the output store.
#include "include/block4.wgsl"
#include "include/workgroup-2d.wgsl"
const TILE_K: u32 = 16u;
// tileA[kk * WGY + y]: rows 4y..4y+3 of the tile at step kk; tileB[kk * WGX + x]: columns 4x..4x+3.
var<workgroup> tileA: array<vec4<f32>, TILE_K * WGY>;
var<workgroup> tileB: array<vec4<f32>, TILE_K * WGX>;
// A(rows, k) for four rows, zero for rows outside the output.
fn loadA4(row0: u32, k: u32, rows: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  for (var i = 0u; i < 4u; i++) {
    if (row0 + i < rows) { v[i] = loadA(rowInfo(row0 + i), k); }
  }
  return v;
}
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let rest = g / p.tilesX;
  let layer = rest / p.tilesY;
  if (layer >= p.layers) { return; } // a whole workgroup of the folded grid's spare ones
  let extent = outputExtent();
  let tileRow0 = (rest % p.tilesY) * WGY * BLOCK_ROWS;
  let tileCol0 = (g % p.tilesX) * WGX * BLOCK_COLS;
  let range = reductionRange(layer);
  var acc: Block4;
  for (var k0 = range.x; k0 < range.y; k0 += TILE_K) {
    for (var i = li; i < TILE_K * WGY; i += WGX * WGY) {
      let k = k0 + i / WGY;
      var v = vec4<f32>(0.0);
      if (k < range.y) { v = loadA4(tileRow0 + (i % WGY) * 4u, k, extent.x); }
      tileA[i] = v;
    }
    for (var i = li; i < TILE_K * WGX; i += WGX * WGY) {
      let k = k0 + i / WGX;
      let n0 = tileCol0 + (i % WGX) * 4u;
      var v = vec4<f32>(0.0);
      if (k < range.y && n0 < extent.y) { v = loadB4(k, span4(n0, extent.y - 1u)); }
      tileB[i] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) { mac4(&acc, tileA[kk * WGY + lid.y], tileB[kk * WGX + lid.x]); }
    workgroupBarrier();
  }
  let row0 = tileRow0 + lid.y * BLOCK_ROWS;
  let col0 = tileCol0 + lid.x * BLOCK_COLS;
  if (row0 < extent.x && col0 < extent.y) { storeBlock4(acc, row0, col0, layer); }
}
