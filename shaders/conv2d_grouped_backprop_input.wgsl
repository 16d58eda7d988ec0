// conv2d_grouped_backprop_input: dx of the grouped, dilated conv as a gather. One invocation per input
// element (b, ih, iw, ic) sums dy[b, oh, ow, oc] * w[kh, kw, ic - group start, oc] over the taps with
// oh*strideH - padTop + kh*dilationH = ih (likewise for w) and the output channels oc of ic's group.
#include "include/elements.wgsl"
#include "include/conv-grouped.wgsl"
#storage(1) read dy: f32, read w: f32, read_write dx: f32
fn element(i: u32) {
  let ic = i % p.inC;
  let iw = (i / p.inC) % p.inW;
  let ih = (i / (p.inC * p.inW)) % p.inH;
  let b = i / (p.inC * p.inW * p.inH);
  let cig = p.inC / p.groups;
  let cog = p.outC / p.groups;
  let grp = ic / cig;
  let ci = ic % cig;
  var acc = 0.0;
  for (var kh = 0u; kh < p.kH; kh++) {
    let th = i32(ih + p.padTop) - i32(kh * p.dilationH);
    if (th < 0 || th % i32(p.strideH) != 0) { continue; }
    let oh = u32(th) / p.strideH;
    if (oh >= p.outH) { continue; }
    for (var kw = 0u; kw < p.kW; kw++) {
      let tw = i32(iw + p.padLeft) - i32(kw * p.dilationW);
      if (tw < 0 || tw % i32(p.strideW) != 0) { continue; }
      let ow = u32(tw) / p.strideW;
      if (ow >= p.outW) { continue; }
      let dp = ((b * p.outH + oh) * p.outW + ow) * p.outC + grp * cog;
      let wp = ((kh * p.kW + kw) * cig + ci) * p.outC + grp * cog;
      for (var o = 0u; o < cog; o++) { acc += dy[dp + o] * w[wp + o]; }
    }
  }
  dx[i] = acc;
}
