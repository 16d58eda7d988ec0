// The softmax cross-entropy forward kernels (softmax_xent.wgsl, softmax_xent_rows.wgsl): row
// kernels over the logits x (include/row-stats.wgsl) and their int32 labels, writing
// probs = softmax(x) and each row's loss; a label out of range gives NaN and is reported
// (include/labels.wgsl). The kernel declares `struct Params` with rows and cols first.
#include "include/row-stats.wgsl"
#include "include/labels.wgsl"
#storage(2) read labels: i32, read_write probs: f32, read_write rowLoss: f32
