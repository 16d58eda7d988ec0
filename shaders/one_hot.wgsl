// one_hot: out[i, c] = c == indices[i] ? onValue : offValue (raw bits); an index outside [0, depth) gives a row of offValue.
#include "include/elements.wgsl"
struct Params { n: u32, depth: u32, onValue: u32, offValue: u32, }
#storage(1) read indices: i32, read_write out: u32
fn element(i: u32) {
  let at = indices[i / p.depth];
  out[i] = select(p.offValue, p.onValue, at >= 0 && u32(at) == i % p.depth);
}
