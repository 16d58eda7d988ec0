// NumPy broadcasting of up to three operands to an output of rank <= 8, from the Params fields
// rank, contiguous and shape (the output's), and each operand's element strides per output axis
// (0 along broadcast axes), computed on the host; contiguous = 1 when every operand has the
// output's shape, which skips the index folding. The kernel declares
// `fn operandStrides(axis: u32) -> vec3<u32>`: lane k is operand k's stride along the axis
// (0 in the lanes of operands it does not have). Word `axis` of a 2 x vec4 uniform array is
// `v[axis / 4u][axis % 4u]`.
// The index into each operand of output element i.
fn broadcastIndex(i: u32) -> vec3<u32> {
  if (p.contiguous != 0u) { return vec3<u32>(i); }
  var at = vec3<u32>(0u);
  var rest = i;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let axis = u32(d);
    let size = p.shape[axis / 4u][axis % 4u];
    let c = rest % size;
    rest = rest / size;
    at += c * operandStrides(axis);
  }
  return at;
}
