// The 8 x 8 accumulator block of the vec4 register-blocked kernels (rows 0..7, each two vec4 of
// columns), shared by block8.wgsl (one block an invocation) and block16x16.wgsl (four in a 2 x 2
// grid). The kernel defines `fn outputExtent() -> vec2<u32>` and
// `fn storeRow(row: u32, col0: u32, layer: u32, va: vec4<f32>, vb: vec4<f32>)`.
struct Block8 {
  a0: vec4<f32>, b0: vec4<f32>, a1: vec4<f32>, b1: vec4<f32>,
  a2: vec4<f32>, b2: vec4<f32>, a3: vec4<f32>, b3: vec4<f32>,
  a4: vec4<f32>, b4: vec4<f32>, a5: vec4<f32>, b5: vec4<f32>,
  a6: vec4<f32>, b6: vec4<f32>, a7: vec4<f32>, b7: vec4<f32>,
}
// Row k += rows (k < 4: rowsA[k], else rowsB[k - 4]) times the columns (ca, cb).
fn mac8(acc: ptr<function, Block8>, rowsA: vec4<f32>, rowsB: vec4<f32>, ca: vec4<f32>, cb: vec4<f32>) {
  (*acc).a0 += rowsA.x * ca; (*acc).b0 += rowsA.x * cb;
  (*acc).a1 += rowsA.y * ca; (*acc).b1 += rowsA.y * cb;
  (*acc).a2 += rowsA.z * ca; (*acc).b2 += rowsA.z * cb;
  (*acc).a3 += rowsA.w * ca; (*acc).b3 += rowsA.w * cb;
  (*acc).a4 += rowsB.x * ca; (*acc).b4 += rowsB.x * cb;
  (*acc).a5 += rowsB.y * ca; (*acc).b5 += rowsB.y * cb;
  (*acc).a6 += rowsB.z * ca; (*acc).b6 += rowsB.z * cb;
  (*acc).a7 += rowsB.w * ca; (*acc).b7 += rowsB.w * cb;
}
// Adds (ca, cb) to every row (the conv forward's bias).
fn addCols8(acc: ptr<function, Block8>, ca: vec4<f32>, cb: vec4<f32>) {
  mac8(acc, vec4<f32>(1.0), vec4<f32>(1.0), ca, cb);
}
fn storeBlock8(acc: Block8, row0: u32, col0: u32, layer: u32) {
  let rows = outputExtent().x;
  storeRow(row0, col0, layer, acc.a0, acc.b0);
  if (row0 + 1u < rows) { storeRow(row0 + 1u, col0, layer, acc.a1, acc.b1); }
  if (row0 + 2u < rows) { storeRow(row0 + 2u, col0, layer, acc.a2, acc.b2); }
  if (row0 + 3u < rows) { storeRow(row0 + 3u, col0, layer, acc.a3, acc.b3); }
  if (row0 + 4u < rows) { storeRow(row0 + 4u, col0, layer, acc.a4, acc.b4); }
  if (row0 + 5u < rows) { storeRow(row0 + 5u, col0, layer, acc.a5, acc.b5); }
  if (row0 + 6u < rows) { storeRow(row0 + 6u, col0, layer, acc.a6, acc.b6); }
  if (row0 + 7u < rows) { storeRow(row0 + 7u, col0, layer, acc.a7, acc.b7); }
}
