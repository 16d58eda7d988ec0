// On the conv parameter block (include/conv.wgsl): p.batch, p.inH, p.inW.
#include "include/conv.wgsl"
// The row order of the blocked input-gradient kernels (conv2d_backprop_input_vec4.wgsl, _c4,
// _c4_16x16): the images in groups of a block's rows (BLOCK_ROWS, 8 or 16), each group
// pixel-major (the group's pixel 0, their pixel 1, ...), the last group holding the batch's
// remainder. An 8-row block then holds ONE pixel of 8 images (16 of 16), so every tap is valid for all of its rows or for none, and the `continue` on unreached taps skips
// exactly the zero halo of the transposed convolution (the CNN's valid 3x3 convs: 28% of conv2's
// taps, 64% of conv3's, which row-major blocks multiplied by zeros). Same sums in the same order
// as row-major blocks, so bit-identical outputs. Measured at batch 256 (bench/kernels-conv.ts,
// 2026-12-02, one core): conv2 1.16x and conv3 2.08x on SwiftShader, 1.22x and 2.00x on lavapipe.
// Returns each row's pixel index n * inH * inW + ih * inW + iw.
fn groupedPixels4(m: vec4<u32>) -> vec4<u32> {
  let pixels = p.inH * p.inW;
  let grouped = (p.batch / BLOCK_ROWS) * BLOCK_ROWS;
  let groupedRows = grouped * pixels;
  let tail = max(p.batch - grouped, 1u);
  let r = m % vec4<u32>(BLOCK_ROWS * pixels);
  let nGroup = (m / vec4<u32>(BLOCK_ROWS * pixels)) * BLOCK_ROWS + r % vec4<u32>(BLOCK_ROWS);
  let sGroup = r / vec4<u32>(BLOCK_ROWS);
  // Rows of the last, partial group (the subtraction wraps for the others, which select drops).
  let rt = m - vec4<u32>(groupedRows);
  let nTail = vec4<u32>(grouped) + rt % vec4<u32>(tail);
  let sTail = rt / vec4<u32>(tail);
  let inGroups = m < vec4<u32>(groupedRows);
  return select(nTail, nGroup, inGroups) * pixels + select(sTail, sGroup, inGroups);
}
