// The store of a row of C for the matmuls with a 4-column block (include/matmul.wgsl,
// batch_matmul.wgsl), on the kernel's c and Params (N).
// Stores v as the four columns from col0 of the C row at offset `base` in c; columns past N are skipped.
fn storeRowOfC(base: u32, col0: u32, v: vec4<f32>) {
  for (var j = 0u; j < 4u; j++) {
    if (col0 + j < p.N) { c[base + col0 + j] = v[j]; }
  }
}
