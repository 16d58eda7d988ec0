// conv2d_grouped_backprop_filter: dw [kH, kW, inC/groups, outC] of the grouped, dilated conv. One
// invocation per filter element sums x * dy over the batch and the output positions.
#include "include/elements.wgsl"
#include "include/conv-grouped.wgsl"
#storage(1) read x: f32, read dy: f32, read_write dw: f32
fn element(i: u32) {
  let cig = p.inC / p.groups;
  let oc = i % p.outC;
  let ci = (i / p.outC) % cig;
  let kw = (i / (p.outC * cig)) % p.kW;
  let kh = i / (p.outC * cig * p.kW);
  let ic = (oc / (p.outC / p.groups)) * cig + ci;
  var acc = 0.0;
  for (var b = 0u; b < p.batch; b++) {
    for (var oh = 0u; oh < p.outH; oh++) {
      let ih = i32(oh * p.strideH + kh * p.dilationH) - i32(p.padTop);
      if (ih < 0 || ih >= i32(p.inH)) { continue; }
      for (var ow = 0u; ow < p.outW; ow++) {
        let iw = i32(ow * p.strideW + kw * p.dilationW) - i32(p.padLeft);
        if (iw < 0 || iw >= i32(p.inW)) { continue; }
        acc += x[((b * p.inH + u32(ih)) * p.inW + u32(iw)) * p.inC + ic] * dy[((b * p.outH + oh) * p.outW + ow) * p.outC + oc];
      }
    }
  }
  dw[i] = acc;
}
