// The counter-based RNG of engine/counter-hash.ts: 32 random bits from (key, index) with no state,
// Chris Wellons' lowbias32 mixer applied twice, in the same wrapping u32 arithmetic as the CPU, so
// every backend draws the same bits (dropout's mask, augment's draws).
fn mix32(v: u32) -> u32 {
  var h = v;
  h ^= h >> 16u;
  h *= 0x7feb352du;
  h ^= h >> 15u;
  h *= 0x846ca68bu;
  h ^= h >> 16u;
  return h;
}

fn counterBits(key: u32, index: u32) -> u32 {
  return mix32(mix32(index ^ key) + key);
}
