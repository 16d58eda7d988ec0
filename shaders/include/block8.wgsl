// An 8 x 8 block of accumulators in registers, for the vec4 kernels with BLOCK_ROWS =
// BLOCK_COLS = 8: rows 0..7, each two vec4 of columns (a: the block's first four columns, b: the
// next four). On SwiftShader every storage load is a per-lane gather, so loads per multiply-add
// is what counts: 8 + 8 loads feed 64 multiply-adds here, 8 feed 16 in a 4 x 4 block.
// The kernel defines `fn storeRow(row: u32, col0: u32, layer: u32, va: vec4<f32>, vb: vec4<f32>)`,
// called for rows inside the output (outputExtent()); it stores vb only where it exists.
#include "include/span.wgsl"
#include "include/block8-acc.wgsl"
const BLOCK_ROWS: u32 = 8u;
const BLOCK_COLS: u32 = 8u;
// The block's rows (A: the first four, B: the next four) and vec4 columns (ca, cb), clamped to
// the output so loads stay in bounds; stores of rows or columns beyond it are skipped.
struct Lanes8 { rowsA: vec4<u32>, rowsB: vec4<u32>, ca: u32, cb: u32, }
fn lanes8(row0: u32, col0: u32) -> Lanes8 {
  let extent = outputExtent();
  let ca = col0 / 4u;
  return Lanes8(span4(row0, extent.x - 1u), span4(row0 + 4u, extent.x - 1u), ca, min(ca + 1u, extent.y / 4u - 1u));
}
