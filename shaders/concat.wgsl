// concat: copies one input, viewed as [outer, band], into its band of every row of the output
// [outer, outRow] starting at column `offset`; the host dispatches once per input. Raw 32-bit words.
#include "include/elements.wgsl"
struct Params { n: u32, band: u32, outRow: u32, offset: u32, }
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
fn element(i: u32) {
  out[(i / p.band) * p.outRow + p.offset + i % p.band] = x[i];
}
