// Labels already on the GPU are checked by the kernels that read them, since checking them on
// the host would cost a read-back. A kernel that finds a label outside [0, p.cols) writes NaN
// where the label was needed (never a clamped class) and records the row in word 0 of its error
// slot (`labelError`, a 256-byte slot of the backend's error buffer; atomicMin keeps the lowest
// row, 0xffffffff means none). label_report.wgsl, launched right after, moves that row and its
// label to words 1 and 2; the next read() throws an Error naming the op, the batch position and
// the label (engine/backends/webgpu/error-words.ts).
#storage(7) read_write labelError: atomic<u32>
// A NaN built at run time: WGSL rejects NaN in constant expressions.
var<private> NAN_BITS: u32 = 0x7fc00000u;
fn labelOk(label: i32, row: u32) -> bool {
  let ok = label >= 0 && label < i32(p.cols);
  if (!ok) { atomicMin(&labelError[0], row); }
  return ok;
}
fn nan() -> f32 { return bitcast<f32>(NAN_BITS); }
