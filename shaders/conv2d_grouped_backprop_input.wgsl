// conv2d_grouped_backprop_input: dx of the grouped, dilated conv as a gather. One invocation per input
// element (b, ih, iw, ic) sums dy[b, oh, ow, oc] * w[kh, kw, ic - group start, oc] over the taps with
// oh*strideH - padTop + kh*dilationH = ih (likewise for w) and the output channels oc of ic's group.
#include "include/elements.wgsl"
#include "include/conv-grouped.wgsl"
#storage(1) read dy: f32, read w: f32, read_write dx: f32
fn element(i: u32) {
  let at = nhwcOf(i, p.inH, p.inW, p.inC); // (b, ih, iw, ic)
  let ic = at.w;
  let cig = p.inC / p.groups;
  let cog = p.outC / p.groups;
  let grp = ic / cig;
  let ci = ic % cig;
  var acc = 0.0;
  for (var kh = 0u; kh < p.kH; kh++) {
    let oh = outputTap(at.y, kh, p.strideH, p.dilationH, p.padTop, p.outH);
    if (oh < 0) { continue; }
    for (var kw = 0u; kw < p.kW; kw++) {
      let ow = outputTap(at.z, kw, p.strideW, p.dilationW, p.padLeft, p.outW);
      if (ow < 0) { continue; }
      let dp = ((at.x * p.outH + u32(oh)) * p.outW + u32(ow)) * p.outC + grp * cog;
      let wp = ((kh * p.kW + kw) * cig + ci) * p.outC + grp * cog;
      for (var o = 0u; o < cog; o++) { acc += dy[dp + o] * w[wp + o]; }
    }
  }
  dx[i] = acc;
}
