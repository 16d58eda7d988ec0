// dropout: y = bits(i) >= threshold ? x * keepScale : 0, bits being the counter-based hash of
// engine/counter-hash.ts (lowbias32 twice, keyed by the seed) in the same wrapping u32 arithmetic, so
// the mask is the CPU's bit for bit.
#include "include/elements.wgsl"
struct Params { n: u32, key: u32, threshold: u32, keepScale: f32, }
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

fn mix32(v: u32) -> u32 {
  var h = v;
  h ^= h >> 16u;
  h *= 0x7feb352du;
  h ^= h >> 15u;
  h *= 0x846ca68bu;
  h ^= h >> 16u;
  return h;
}

fn element(i: u32) {
  let bits = mix32(mix32(i ^ p.key) + p.key);
  y[i] = select(0.0, x[i] * p.keepScale, bits >= p.threshold);
}
