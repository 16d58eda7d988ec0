// conv2d forward, one input channel, 3x3 filter, outC % 4 == 0 (why: kernels/conv2d.ts): the 3
// filter rows written out (include/conv2d-c1-3x3.wgsl has the taps, bias and ReLU).
#include "include/conv2d-c1-3x3.wgsl"
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes8(m0, c0);
  let a = windows4(lanes.rowsA);
  let b = windows4(lanes.rowsB);
  var acc: Block8;
  filterRow(&acc, a, b, 0u, lanes.ca, lanes.cb);
  filterRow(&acc, a, b, 1u, lanes.ca, lanes.cb);
  filterRow(&acc, a, b, 2u, lanes.ca, lanes.cb);
  finishBlock(acc, m0, c0, layer, lanes.ca, lanes.cb);
}
