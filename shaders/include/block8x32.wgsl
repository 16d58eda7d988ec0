// An 8 x 32 block of accumulators in registers: four 8 x 8 blocks (block8-acc.wgsl) side by side,
// for the SwiftShader conv kernels (*_8x32.wgsl, Tiling.wideBlocks). SwiftShader makes every
// storage load a per-lane gather, and its compiler spills the accumulators of an 8 x 8 block
// already, so more columns per invocation cost spills it pays anyway and save loads: per k,
// 8 + 32 loaded values feed 256 multiply-adds (8 + 8 feed 64 in an 8 x 8 block). On lavapipe,
// whose compiler keeps the lanes in vector registers, the spills cost more than the loads save.
// The kernel defines `fn outputExtent()` and block8-acc.wgsl's `fn storeRow`.
#include "include/span.wgsl"
#include "include/block8-acc.wgsl"
const BLOCK_ROWS: u32 = 8u;
const BLOCK_COLS: u32 = 32u;
// The block's rows (A: the first four, B: the next four) and its 8 vec4 columns (lo: the first
// four, hi: the next four), clamped to the output so loads stay in bounds; stores beyond it are
// skipped.
struct Lanes8x32 { rowsA: vec4<u32>, rowsB: vec4<u32>, lo: vec4<u32>, hi: vec4<u32>, }
fn lanes8x32(row0: u32, col0: u32) -> Lanes8x32 {
  let extent = outputExtent();
  let last = vec4<u32>(extent.y / 4u - 1u);
  let c = vec4<u32>(col0 / 4u);
  return Lanes8x32(span4(row0, extent.x - 1u), span4(row0 + 4u, extent.x - 1u),
    min(c + vec4<u32>(0u, 1u, 2u, 3u), last), min(c + vec4<u32>(4u, 5u, 6u, 7u), last));
}
struct Block8x32 { q0: Block8, q1: Block8, q2: Block8, q3: Block8, }
// One k step's 32 columns, as 8 vec4 (c0: columns 0..3, ..., c7: columns 28..31).
struct Cols32 { c0: vec4<f32>, c1: vec4<f32>, c2: vec4<f32>, c3: vec4<f32>, c4: vec4<f32>, c5: vec4<f32>, c6: vec4<f32>, c7: vec4<f32>, }
// Row k += rows (k < 4: rowsA[k], else rowsB[k - 4]) times the 32 columns.
fn mac8x32(acc: ptr<function, Block8x32>, rowsA: vec4<f32>, rowsB: vec4<f32>, c: Cols32) {
  mac8(&(*acc).q0, rowsA, rowsB, c.c0, c.c1);
  mac8(&(*acc).q1, rowsA, rowsB, c.c2, c.c3);
  mac8(&(*acc).q2, rowsA, rowsB, c.c4, c.c5);
  mac8(&(*acc).q3, rowsA, rowsB, c.c6, c.c7);
}
// Adds the 32 columns to every row (the conv forward's bias).
fn addCols8x32(acc: ptr<function, Block8x32>, c: Cols32) {
  mac8x32(acc, vec4<f32>(1.0), vec4<f32>(1.0), c);
}
fn storeBlock8x32(acc: Block8x32, row0: u32, col0: u32, layer: u32) {
  let cols = outputExtent().y;
  storeBlock8(acc.q0, row0, col0, layer);
  if (col0 + 8u < cols) { storeBlock8(acc.q1, row0, col0 + 8u, layer); }
  if (col0 + 16u < cols) { storeBlock8(acc.q2, row0, col0 + 16u, layer); }
  if (col0 + 24u < cols) { storeBlock8(acc.q3, row0, col0 + 24u, layer); }
}
