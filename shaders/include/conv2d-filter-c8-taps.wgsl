// The channel-vec4 filter-gradient kernels' rows and their read of x
// (conv2d_backprop_filter_c8.wgsl, conv2d_backprop_filter_c8_8x32.wgsl): a block's 8 rows k0..k0+7
// are 8 consecutive channels of one filter tap (inC % 8 == 0), so at every output pixel they are
// 8 consecutive floats of x, read as two vec4 behind one bounds test. x is a vec4 array.
// The tap's offset (dh, dw) from the window origin and the vec4 index of its first channel.
struct Tap8 { dh: i32, dw: i32, ic4: u32, }
fn tap8(k0: u32) -> Tap8 {
  let tap = k0 / p.inC;
  return Tap8(i32(tap / p.kW) - i32(p.padTop), i32(tap % p.kW) - i32(p.padLeft), (k0 % p.inC) / 4u);
}
// The tap's 8 channels at output pixel `at` = (ow, oh, n): zeros where the tap falls in the padding.
struct Channels8 { a: vec4<f32>, b: vec4<f32>, }
fn channels8(t: Tap8, at: vec3<u32>) -> Channels8 {
  let inH = i32(p.inH);
  let inW = i32(p.inW);
  let h = i32(at.y * p.strideH) + t.dh;
  let w = i32(at.x * p.strideW) + t.dw;
  // `&`, not `&&`: no short-circuit branch (SwiftShader runs both sides of a branch).
  let valid = (h >= 0) & (h < inH) & (w >= 0) & (w < inW);
  let o = select(0u, u32(((i32(at.z) * inH + h) * inW + w) * i32(p.inC / 4u)) + t.ic4, valid);
  return Channels8(select(vec4<f32>(0.0), x[o], valid), select(vec4<f32>(0.0), x[o + 1u], valid));
}
