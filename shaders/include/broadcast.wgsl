// NumPy broadcasting of two operands a, b to an output of rank <= 8, from the Params fields rank,
// contiguous, shape, aStrides and bStrides (element strides per output axis, 0 along broadcast
// axes, computed on the host; contiguous = 1 when both operands have the output's shape, which
// skips the index folding). The index into a and into b of output element i.
fn broadcastPair(i: u32) -> vec2<u32> {
  if (p.contiguous != 0u) { return vec2<u32>(i); }
  var at = vec2<u32>(0u);
  var rest = i;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let du = u32(d);
    let size = p.shape[du / 4u][du % 4u];
    let c = rest % size;
    rest = rest / size;
    at += c * vec2<u32>(p.aStrides[du / 4u][du % 4u], p.bStrides[du / 4u][du % 4u]);
  }
  return at;
}
