// The channel-vec4 filter-gradient kernels' rows and their read of x
// (conv2d_backprop_filter_c8.wgsl, conv2d_backprop_filter_c16_16x16.wgsl): a block's 8 (16) rows
// k0..k0+7 (+15) are consecutive channels of one filter tap (inC % 8 == 0, % 16 == 0), so at every
// output pixel they are 8 (16) consecutive floats of x, read as two (four) vec4 behind one bounds
// test. x is a vec4 array.
// The tap's offset (dh, dw) from the window origin and the vec4 index of its first channel.
struct TapChannels { dh: i32, dw: i32, ic4: u32, }
fn tapChannels(k0: u32) -> TapChannels {
  let tap = k0 / p.inC;
  return TapChannels(i32(tap / p.kW) - i32(p.padTop), i32(tap % p.kW) - i32(p.padLeft), (k0 % p.inC) / 4u);
}
// Where the tap reads x at output pixel `at` = (ow, oh, n): the vec4 index of its first channel,
// and whether it falls inside the input (else the index is 0, in bounds, and the reads are zeros).
struct TapRead { o: u32, valid: bool, }
fn tapRead(t: TapChannels, at: vec3<u32>) -> TapRead {
  let inH = i32(p.inH);
  let inW = i32(p.inW);
  let h = i32(at.y * p.strideH) + t.dh;
  let w = i32(at.x * p.strideW) + t.dw;
  // `&`, not `&&`: no short-circuit branch (SwiftShader runs both sides of a branch).
  let valid = (h >= 0) & (h < inH) & (w >= 0) & (w < inW);
  return TapRead(select(0u, u32(((i32(at.z) * inH + h) * inW + w) * i32(p.inC / 4u)) + t.ic4, valid), valid);
}
// The tap's 8 channels at output pixel `at`: zeros where the tap falls in the padding.
struct Channels8 { a: vec4<f32>, b: vec4<f32>, }
fn channels8(t: TapChannels, at: vec3<u32>) -> Channels8 {
  let r = tapRead(t, at);
  let z = vec4<f32>(0.0);
  return Channels8(select(z, x[r.o], r.valid), select(z, x[r.o + 1u], r.valid));
}
// The tap's 16 channels at output pixel `at` (the 16 x 16 kernel's rows).
struct Channels16 { a: vec4<f32>, b: vec4<f32>, c: vec4<f32>, d: vec4<f32>, }
fn channels16(t: TapChannels, at: vec3<u32>) -> Channels16 {
  let r = tapRead(t, at);
  let z = vec4<f32>(0.0);
  return Channels16(select(z, x[r.o], r.valid), select(z, x[r.o + 1u], r.valid), select(z, x[r.o + 2u], r.valid), select(z, x[r.o + 3u], r.valid));
}
