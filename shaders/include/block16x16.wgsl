// A 16 x 16 block of accumulators in registers: four 8 x 8 blocks (block8-acc.wgsl) in a 2 x 2
// grid, for the SwiftShader conv kernels (*_16x16.wgsl, Tiling.wideBlocks). SwiftShader makes
// every storage load a per-lane gather (a load per float per lane), and its compiler spills an
// 8 x 8 block's 64 accumulators already, so more accumulators per invocation cost spills it pays
// anyway and save loads. Per k, a 16 x 16 block loads 16 + 16 floats for 256 multiply-adds: 8 +
// 8 feed 64 in an 8 x 8 block, 8 + 32 feed 256 in the 8 x 32 blocks this replaced (forward pass,
// input and filter gradients 1.12-1.15x, 1.19-1.33x, 1.06-1.14x those, bench/kernels-conv.ts,
// 2026-12-05); 512 accumulators (8 x 64) spilled more than they saved. On lavapipe, whose
// compiler keeps lanes in vector registers, the spills cost more than the loads save.
// The kernel defines `fn outputExtent()` and block8-acc.wgsl's `fn storeRow`.
#include "include/span.wgsl"
#include "include/block8-acc.wgsl"
const BLOCK_ROWS: u32 = 16u;
const BLOCK_COLS: u32 = 16u;
// The block's 16 rows as four vec4 (r0: rows 0..3, ..., r3: rows 12..15) and its 4 vec4 columns,
// clamped to the output so loads stay in bounds; stores beyond it are skipped.
struct Lanes16 { r0: vec4<u32>, r1: vec4<u32>, r2: vec4<u32>, r3: vec4<u32>, cols: vec4<u32>, }
fn lanes16(row0: u32, col0: u32) -> Lanes16 {
  let extent = outputExtent();
  let last = extent.x - 1u;
  return Lanes16(span4(row0, last), span4(row0 + 4u, last), span4(row0 + 8u, last), span4(row0 + 12u, last),
    min(vec4<u32>(col0 / 4u) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(extent.y / 4u - 1u)));
}
// Rows 0..7 x columns 0..7, rows 0..7 x columns 8..15, rows 8..15 x columns 0..7, rows 8..15 x 8..15.
struct Block16 { q00: Block8, q01: Block8, q10: Block8, q11: Block8, }
// Row k += rows (r0 .. r3: rows 0..3, ..., 12..15) times the columns (c0: 0..3, ..., c3: 12..15).
fn mac16(acc: ptr<function, Block16>, r0: vec4<f32>, r1: vec4<f32>, r2: vec4<f32>, r3: vec4<f32>, c0: vec4<f32>, c1: vec4<f32>, c2: vec4<f32>, c3: vec4<f32>) {
  mac8(&(*acc).q00, r0, r1, c0, c1);
  mac8(&(*acc).q01, r0, r1, c2, c3);
  mac8(&(*acc).q10, r2, r3, c0, c1);
  mac8(&(*acc).q11, r2, r3, c2, c3);
}
// Adds the 16 columns to every row (the conv forward's bias).
fn addCols16(acc: ptr<function, Block16>, c0: vec4<f32>, c1: vec4<f32>, c2: vec4<f32>, c3: vec4<f32>) {
  let one = vec4<f32>(1.0);
  mac16(acc, one, one, one, one, c0, c1, c2, c3);
}
fn storeBlock16(acc: Block16, row0: u32, col0: u32, layer: u32) {
  let extent = outputExtent();
  storeBlock8(acc.q00, row0, col0, layer);
  if (col0 + 8u < extent.y) { storeBlock8(acc.q01, row0, col0 + 8u, layer); }
  if (row0 + 8u < extent.x) {
    storeBlock8(acc.q10, row0 + 8u, col0, layer);
    if (col0 + 8u < extent.y) { storeBlock8(acc.q11, row0 + 8u, col0 + 8u, layer); }
  }
}
