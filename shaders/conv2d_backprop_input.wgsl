// conv2dBackpropInput as an implicit GEMM: dX[M = N*inH*inW, inC] = sum over (kh, kw, oc) of
// dY[n, oh, ow, oc] * W[kh, kw, ic, oc], where oh*strideH - padTop + kh = ih. Each invocation
// computes a block of 4 input pixels x 4 input channels in registers, no workgroup memory.
#include "include/conv2d-input-io.wgsl"
#include "include/tiles.wgsl"
#include "include/block4.wgsl"
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let ms = span4(m0, p.batch * p.inH * p.inW - 1u);
  let cs = span4(c0, p.inC - 1u);
  let hw = p.inH * p.inW;
  let n = ms / vec4<u32>(hw);
  let r = ms % vec4<u32>(hw);
  let ihp = vec4<i32>(r / vec4<u32>(p.inW)) + i32(p.padTop);
  let iwp = vec4<i32>(r % vec4<u32>(p.inW)) + i32(p.padLeft);
  let sH = vec4<i32>(i32(p.strideH));
  let sW = vec4<i32>(i32(p.strideW));
  var acc: Block4;
  for (var kh = 0u; kh < p.kH; kh++) {
    let nh = ihp - i32(kh);
    let oh = nh / sH;
    let vh = (nh >= vec4<i32>(0)) & (nh % sH == vec4<i32>(0)) & (oh < vec4<i32>(i32(p.outH)));
    for (var kw = 0u; kw < p.kW; kw++) {
      let nw = iwp - i32(kw);
      let ow = nw / sW;
      let valid = vh & (nw >= vec4<i32>(0)) & (nw % sW == vec4<i32>(0)) & (ow < vec4<i32>(i32(p.outW)));
      let pix = (n * p.outH + vec4<u32>(max(oh, vec4<i32>(0)))) * p.outW + vec4<u32>(max(ow, vec4<i32>(0)));
      let off = select(vec4<u32>(0u), pix * p.outC, valid);
      let mask = select(vec4<f32>(0.0), vec4<f32>(1.0), valid);
      let wr = (vec4<u32>((kh * p.kW + kw) * p.inC) + cs) * p.outC;
      for (var oc = 0u; oc < p.outC; oc++) {
        let wv = vec4<f32>(w[wr.x + oc], w[wr.y + oc], w[wr.z + oc], w[wr.w + oc]);
        mac4(&acc, vec4<f32>(dy[off.x + oc], dy[off.y + oc], dy[off.z + oc], dy[off.w + oc]) * mask, wv);
      }
    }
  }
  storeBlock4(acc, m0, c0, layer);
}
