// ReLU that propagates NaN, as TensorFlow's does: max(v, 0) leaves NaN to the adapter (WGSL
// does not say which operand wins), so test v <= 0, which is false for NaN. -0 maps to +0.
fn relu(v: f32) -> f32 { return select(v, 0.0, v <= 0.0); }
fn relu4(v: vec4<f32>) -> vec4<f32> { return select(v, vec4<f32>(0.0), v <= vec4<f32>(0.0)); }
