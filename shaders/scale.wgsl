// scale: y = x * factor.
#include "include/map.wgsl"
struct Params { n: u32, factor: f32, }
fn map(v: f32) -> f32 { return v * p.factor; }
