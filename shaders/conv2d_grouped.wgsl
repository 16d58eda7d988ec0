// conv2d_grouped: a grouped, dilated convolution (depthwise is groups = inC). NHWC x, filter
// [kH, kW, inC/groups, outC]; output channel oc reads the input channels of its group
// (oc / (outC/groups)) * inC/groups onwards. One invocation per output, direct loops.
#include "include/elements.wgsl"
#include "include/conv-grouped.wgsl"
#storage(1) read x: f32, read w: f32, read_write y: f32
fn element(i: u32) {
  let at = nhwcOf(i, p.outH, p.outW, p.outC); // (b, oh, ow, oc)
  let oc = at.w;
  let cig = p.inC / p.groups;
  let c0 = (oc / (p.outC / p.groups)) * cig;
  var acc = 0.0;
  for (var kh = 0u; kh < p.kH; kh++) {
    let ih = inputTap(at.y, kh, p.strideH, p.dilationH, p.padTop, p.inH);
    if (ih < 0) { continue; }
    for (var kw = 0u; kw < p.kW; kw++) {
      let iw = inputTap(at.z, kw, p.strideW, p.dilationW, p.padLeft, p.inW);
      if (iw < 0) { continue; }
      let xp = ((at.x * p.inH + u32(ih)) * p.inW + u32(iw)) * p.inC + c0;
      let wp = (kh * p.kW + kw) * cig * p.outC + oc;
      for (var ci = 0u; ci < cig; ci++) { acc += x[xp + ci] * w[wp + ci * p.outC]; }
    }
  }
  y[i] = acc;
}
