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
// Written as fma(), not `+= a * b`: Node's SwiftShader (Subzero) ran conv2's forward pass and input
// gradient 1.07-1.18x faster with it and gave the same bits (it does not fuse); lavapipe, which
// fuses `a * b + c` already, gave the same bits and times (bench/kernels-conv.ts --exp, 2026-12-06).
fn mac8(acc: ptr<function, Block8>, rowsA: vec4<f32>, rowsB: vec4<f32>, ca: vec4<f32>, cb: vec4<f32>) {
  (*acc).a0 = fma(vec4<f32>(rowsA.x), ca, (*acc).a0); (*acc).b0 = fma(vec4<f32>(rowsA.x), cb, (*acc).b0);
  (*acc).a1 = fma(vec4<f32>(rowsA.y), ca, (*acc).a1); (*acc).b1 = fma(vec4<f32>(rowsA.y), cb, (*acc).b1);
  (*acc).a2 = fma(vec4<f32>(rowsA.z), ca, (*acc).a2); (*acc).b2 = fma(vec4<f32>(rowsA.z), cb, (*acc).b2);
  (*acc).a3 = fma(vec4<f32>(rowsA.w), ca, (*acc).a3); (*acc).b3 = fma(vec4<f32>(rowsA.w), cb, (*acc).b3);
  (*acc).a4 = fma(vec4<f32>(rowsB.x), ca, (*acc).a4); (*acc).b4 = fma(vec4<f32>(rowsB.x), cb, (*acc).b4);
  (*acc).a5 = fma(vec4<f32>(rowsB.y), ca, (*acc).a5); (*acc).b5 = fma(vec4<f32>(rowsB.y), cb, (*acc).b5);
  (*acc).a6 = fma(vec4<f32>(rowsB.z), ca, (*acc).a6); (*acc).b6 = fma(vec4<f32>(rowsB.z), cb, (*acc).b6);
  (*acc).a7 = fma(vec4<f32>(rowsB.w), ca, (*acc).a7); (*acc).b7 = fma(vec4<f32>(rowsB.w), cb, (*acc).b7);
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
