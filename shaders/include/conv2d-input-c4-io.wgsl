// The channel-vec4 input-gradient kernels' reads of dy and w and their store of dx
// (conv2d_backprop_input_c4.wgsl, conv2d_backprop_input_c4_16x16.wgsl): all three vec4 arrays,
// inC % 4 == 0 and outC % 4 == 0; rows in groupedPixels4 order (include/conv-grouped-rows.wgsl).
// The 4 output channels at vec4 index o of dy for four pixels (zeros where not valid),
// transposed: column c holds channel c of the four pixels.
fn gradients4(o: vec4<u32>, valid: vec4<bool>) -> mat4x4<f32> {
  let z = vec4<f32>(0.0);
  return transpose(mat4x4<f32>(select(z, dy[o.x], valid.x), select(z, dy[o.y], valid.y), select(z, dy[o.z], valid.z), select(z, dy[o.w], valid.w)));
}
// W[tap, ic .. ic+3, 4*o4 .. 4*o4+3] transposed: column c holds the four input channels' weights
// of output channel 4*o4 + c. `row` is the vec4 index of W[tap, ic, 0]; rows are outC4 apart.
fn weights4(row: u32, outC4: u32) -> mat4x4<f32> {
  return transpose(mat4x4<f32>(w[row], w[row + outC4], w[row + 2u * outC4], w[row + 3u * outC4]));
}
fn storeRow(m: u32, c0: u32, layer: u32, va: vec4<f32>, vb: vec4<f32>) {
  let o = (groupedPixels4(vec4<u32>(m)).x * p.inC + c0) / 4u;
  dx[o] = va;
  if (c0 + 4u < p.inC) { dx[o + 1u] = vb; }
}
