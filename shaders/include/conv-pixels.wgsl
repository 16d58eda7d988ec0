// The pixels of four rows of a blocked conv kernel's output matrix (conv2d.wgsl,
// conv2d_vec4.wgsl, conv2d_backprop_input*.wgsl), on the conv parameter block.
#include "include/conv.wgsl"
// Four rows m of a conv's output matrix as pixels of an [N, h, w] image: batch, row and column.
struct Pixels4 { n: vec4<u32>, h: vec4<u32>, w: vec4<u32>, }
fn pixels4(m: vec4<u32>, h: u32, w: u32) -> Pixels4 {
  let hw = vec4<u32>(h * w);
  let r = m % hw;
  return Pixels4(m / hw, r / vec4<u32>(w), r % vec4<u32>(w));
}
