// Offset of the i-th element (row-major) of a strided view of rank <= 4: shape and strides per
// axis, in elements; the lanes from rank on are unused.
fn stridedOffset(i: u32, rank: u32, shape: vec4<u32>, strides: vec4<u32>) -> u32 {
  var off = 0u;
  var rest = i;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    off += (rest % shape[d]) * strides[d];
    rest = rest / shape[d];
  }
  return off;
}
