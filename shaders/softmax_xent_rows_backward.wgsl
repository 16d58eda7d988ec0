// softmax_xent_rows_backward: dlogits[r, c] = dRow[r] * (probs[r, c] - t_c), t as in
// softmax_xent_rows.wgsl (include/xent-backward.wgsl).
#include "include/xent-backward.wgsl"
struct Params { n: u32, cols: u32, smoothing: f32, }
#storage(3) read dRow: f32
fn smoothing() -> f32 { return p.smoothing; }
fn rowScale(r: u32) -> f32 { return dRow[r]; }
