// The stride test of the blocked input-gradient kernels (conv2d_backprop_input*.wgsl).
#include "include/conv-pixels.wgsl"
// One axis of the transposed convolution (the input gradient), for four pixels: t is the padded
// input position less the tap; the output position o = t / stride exists when t >= 0 is a
// multiple of stride and o < size.
struct Taps4 { at: vec4<i32>, valid: vec4<bool>, }
fn stridedTaps(t: vec4<i32>, stride: u32, size: u32) -> Taps4 {
  let s = vec4<i32>(i32(stride));
  let o = t / s;
  return Taps4(o, (t >= vec4<i32>(0)) & (t % s == vec4<i32>(0)) & (o < vec4<i32>(i32(size))));
}
