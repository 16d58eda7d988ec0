// The K loop of the register-blocked strided matmuls (matmul.wgsl, batch_matmul.wgsl), on the
// kernel's a, b and Params (K, aCol, bRow): the 4x4 block of Σ_k A(rows, k) B(k, cols), where
// ar holds the four rows' offsets in a and bc the four columns' offsets in b (clamped rows and
// columns, so every load is in bounds).
fn stridedBlock(ar: vec4<u32>, bc: vec4<u32>) -> Block4 {
  var acc: Block4;
  for (var k = 0u; k < p.K; k++) {
    let ak = k * p.aCol;
    let bk = k * p.bRow;
    mac4(&acc, vec4<f32>(a[ar.x + ak], a[ar.y + ak], a[ar.z + ak], a[ar.w + ak]), vec4<f32>(b[bk + bc.x], b[bk + bc.y], b[bk + bc.z], b[bk + bc.w]));
  }
  return acc;
}
