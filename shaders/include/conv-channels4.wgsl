// The channel-vec4 forward conv kernels' read of x (conv2d_c4.wgsl, conv2d_c4_16x16.wgsl): x is a
// vec4 array whose channels come 4 to a vec4 (inC % 4 == 0).
// The 4 channels at vec4 index o of x for the four pixels of a row group (zeros where not valid),
// transposed: column c holds channel c of the four pixels.
fn channels4(o: vec4<u32>, valid: vec4<bool>) -> mat4x4<f32> {
  let z = vec4<f32>(0.0);
  return transpose(mat4x4<f32>(select(z, x[o.x], valid.x), select(z, x[o.y], valid.y), select(z, x[o.z], valid.z), select(z, x[o.w], valid.w)));
}
