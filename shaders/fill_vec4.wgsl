// fill, four elements per invocation (the launch takes it when the count is a multiple of 4 and
// Tiling.vec4 is on; n counts vec4s): out[i] = value, a raw 32-bit pattern as in fill.wgsl.
#include "include/elements.wgsl"
struct Params { n: u32, value: u32, }
#storage(1) read_write out: vec4<u32>
fn element(i: u32) {
  out[i] = vec4<u32>(p.value);
}
