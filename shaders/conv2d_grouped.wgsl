// conv2d_grouped: a grouped, dilated convolution (depthwise is groups = inC). NHWC x, filter
// [kH, kW, inC/groups, outC]; output channel oc reads the input channels of its group
// (oc / (outC/groups)) * inC/groups onwards. One invocation per output, direct loops.
#include "include/elements.wgsl"
#include "include/conv-grouped.wgsl"
#storage(1) read x: f32, read w: f32, read_write y: f32
fn element(i: u32) {
  let oc = i % p.outC;
  let ow = (i / p.outC) % p.outW;
  let oh = (i / (p.outC * p.outW)) % p.outH;
  let b = i / (p.outC * p.outW * p.outH);
  let cig = p.inC / p.groups;
  let c0 = (oc / (p.outC / p.groups)) * cig;
  var acc = 0.0;
  for (var kh = 0u; kh < p.kH; kh++) {
    let ih = i32(oh * p.strideH + kh * p.dilationH) - i32(p.padTop);
    if (ih < 0 || ih >= i32(p.inH)) { continue; }
    for (var kw = 0u; kw < p.kW; kw++) {
      let iw = i32(ow * p.strideW + kw * p.dilationW) - i32(p.padLeft);
      if (iw < 0 || iw >= i32(p.inW)) { continue; }
      let xp = ((b * p.inH + u32(ih)) * p.inW + u32(iw)) * p.inC + c0;
      let wp = (kh * p.kW + kw) * cig * p.outC + oc;
      for (var ci = 0u; ci < cig; ci++) { acc += x[xp + ci] * w[wp + ci * p.outC]; }
    }
  }
  y[i] = acc;
}
