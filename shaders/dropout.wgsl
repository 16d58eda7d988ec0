// dropout: y = bits(i) >= threshold ? x * keepScale : 0, bits being the counter-based hash of
// engine/counter-hash.ts (include/counter-hash.wgsl), so the mask is the CPU's bit for bit.
#include "include/elements.wgsl"
#include "include/counter-hash.wgsl"
struct Params { n: u32, key: u32, threshold: u32, keepScale: f32, }
#storage(1) read x: f32, read_write y: f32

fn element(i: u32) {
  y[i] = select(0.0, x[i] * p.keepScale, counterBits(p.key, i) >= p.threshold);
}
