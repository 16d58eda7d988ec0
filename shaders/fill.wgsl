// fill: out[i] = value (as raw 32-bit pattern, so it serves float32 and int32).
#include "include/elements.wgsl"
struct Params { n: u32, value: u32, }
#storage(1) read_write out: u32
fn element(i: u32) {
  out[i] = p.value;
}
