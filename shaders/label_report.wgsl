// labelReport: one invocation, launched right after a kernel that checks labels
// (include/labels.wgsl). If that kernel recorded a bad row in word 0 and no earlier launch has
// reported since the last read, keeps the row (word 1) and its label (word 2); then clears word
// 0 for the next launch. So the first bad label since the last read is the one reported.
struct Params { n: u32, }
#storage(1) read labels: i32, read_write labelError: atomic<u32>
#include "include/elements.wgsl"
fn element(i: u32) {
  let row = atomicLoad(&labelError[0]);
  if (row != 0xffffffffu && atomicLoad(&labelError[1]) == 0xffffffffu) {
    atomicStore(&labelError[1], row);
    atomicStore(&labelError[2], bitcast<u32>(labels[row]));
  }
  atomicStore(&labelError[0], 0xffffffffu);
}
