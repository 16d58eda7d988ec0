// concat: copies one input, viewed as [outer, band], into its band of every row of the output
// [outer, outRow] starting at column `offset`; the host dispatches once per input. Raw 32-bit words.
#include "include/elements.wgsl"
struct Params { n: u32, band: u32, outRow: u32, offset: u32, }
#storage(1) read x: u32, read_write out: u32
fn element(i: u32) {
  out[(i / p.band) * p.outRow + p.offset + i % p.band] = x[i];
}
