// softmaxCrossEntropyBackward: dlogits = dLoss / rows * (probs - onehot(label))
// (include/xent-backward.wgsl, no smoothing).
#include "include/xent-backward.wgsl"
struct Params { n: u32, cols: u32, invRows: f32, }
#storage(3) read dLoss: f32
fn smoothing() -> f32 { return 0.0; }
fn rowScale(r: u32) -> f32 { return dLoss[0] * p.invRows; }
