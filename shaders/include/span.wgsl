// The four indices first .. first+3, clamped to last: loads of a partial block stay in bounds
// (their results are never stored).
fn span4(first: u32, last: u32) -> vec4<u32> {
  return min(vec4<u32>(first) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(last));
}
