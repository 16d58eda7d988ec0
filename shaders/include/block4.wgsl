// A 4 x 4 block of accumulators in registers (rows r0..r3, four columns each), for the
// register-blocked kernels with BLOCK_ROWS = BLOCK_COLS = 4. The kernel defines
// `fn storeRow(row: u32, col0: u32, layer: u32, v: vec4<f32>)`, called for rows inside the
// output (outputExtent()); it checks the columns.
#include "include/span.wgsl"
const BLOCK_ROWS: u32 = 4u;
const BLOCK_COLS: u32 = 4u;
struct Block4 { r0: vec4<f32>, r1: vec4<f32>, r2: vec4<f32>, r3: vec4<f32>, }
// acc.rk += rows[k] * cols: one step of the outer product (fma: why in include/block8-acc.wgsl).
fn mac4(acc: ptr<function, Block4>, rows: vec4<f32>, cols: vec4<f32>) {
  (*acc).r0 = fma(vec4<f32>(rows.x), cols, (*acc).r0);
  (*acc).r1 = fma(vec4<f32>(rows.y), cols, (*acc).r1);
  (*acc).r2 = fma(vec4<f32>(rows.z), cols, (*acc).r2);
  (*acc).r3 = fma(vec4<f32>(rows.w), cols, (*acc).r3);
}
fn storeBlock4(acc: Block4, row0: u32, col0: u32, layer: u32) {
  let rows = outputExtent().x;
  storeRow(row0, col0, layer, acc.r0);
  if (row0 + 1u < rows) { storeRow(row0 + 1u, col0, layer, acc.r1); }
  if (row0 + 2u < rows) { storeRow(row0 + 2u, col0, layer, acc.r2); }
  if (row0 + 3u < rows) { storeRow(row0 + 3u, col0, layer, acc.r3); }
}
