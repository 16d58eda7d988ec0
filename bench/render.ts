/**
 * Rendering of BenchResults, pure functions shared by the page (live) and the headless runner
 * (terminal table, self-contained HTML report): tables, SVG charts, comparisons.
 */
import type { TuneRow } from '../engine/backends/webgpu/tuner.js';
import { groupOrder, cnnLayerShapes } from './layer-map.js';
import { gemmShapeKey, type BenchResults, type ResultRow, type Timeline, type TuneReport } from './suites.js';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const f = (v: number | null, d = 2) => (v === null || !Number.isFinite(v) ? '-' : v >= 1000 ? v.toFixed(0) : v.toFixed(d));

/** A plain text table with right-aligned columns after the first. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmtRow = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmtRow(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmtRow)].join('\n');
}

const HEADER = ['suite', 'backend', 'name', 'batch', 'source', 'median ms', 'min', 'max', 'first ms', 'GFLOP/s', 'GB/s', 'img/s'];
function cells(r: ResultRow): string[] {
  return [
    r.suite, r.backend, r.name, r.batch === null ? '-' : String(r.batch), r.source, f(r.medianMs, 3), f(r.minMs, 3), f(r.maxMs, 3),
    f(r.firstMs, 1), f(r.gflops), f(r.gbps), f(r.imagesPerSec, 0),
  ];
}

/** Ratios engine vs tfjs on the same backend kind, for step and inference. */
export function comparisons(res: BenchResults): { what: string; ours: string; theirs: string; ratio: number }[] {
  const out: { what: string; ours: string; theirs: string; ratio: number }[] = [];
  const pairs: [string, string][] = [['webgpu', 'tfjs-webgpu'], ['cpu', 'tfjs-cpu'], ['cpu', 'tfjs-wasm']];
  for (const suite of ['step', 'inference', 'matmul'] as const) {
    for (const [a, b] of pairs) {
      for (const x of res.results.filter((r) => r.suite === suite && r.backend === a)) {
        const y = res.results.find((r) => r.suite === suite && r.backend === b && r.name === x.name && r.batch === x.batch);
        if (y) out.push({ what: `${suite} ${x.name}${x.batch !== null ? ` b${x.batch}` : ''}`, ours: a, theirs: b, ratio: y.medianMs / x.medianMs });
      }
    }
  }
  return out;
}

export function textSummary(res: BenchResults): string {
  const lines: string[] = [];
  lines.push(`adapter: ${res.adapter ? `${res.adapter.name}; timestamp-query ${res.adapter.timestampQuery}` : 'none'}; ${res.environment}; ${res.userAgent}`);
  lines.push(textTable(HEADER, res.results.map(cells)));
  for (const r of res.results) {
    if (!r.memory) continue;
    const m = r.memory;
    lines.push(`memory ${r.backend} ${r.name} b${r.batch}: peak pool ${(m.peakAllocatedBytes / 2 ** 20).toFixed(1)} MiB / peak live tensors ${(m.peakTensorBytes / 2 ** 20).toFixed(1)} MiB = ${(m.peakAllocatedBytes / m.peakTensorBytes).toFixed(3)}x`);
  }
  const cmp = comparisons(res);
  if (cmp.length) {
    lines.push('', 'this engine vs TensorFlow.js (speed-up = their time / ours; > 1 means this engine is faster):');
    lines.push(textTable(['what', 'ours', 'theirs', 'speed-up'], cmp.map((c) => [c.what, c.ours, c.theirs, `${c.ratio.toFixed(2)}x`])));
  }
  for (const t of res.timelines) {
    lines.push('', `timeline: one training step, ${t.backend}, batch ${t.batch}, ${t.source}: ${t.dispatches.length} ${t.source === 'tf.profile' ? 'kernels' : 'dispatches'}, sum ${t.totalMs.toFixed(2)} ms (profiled wall ${t.wallMs.toFixed(1)} ms)`);
    lines.push(textTable(['op / kernel', 'count', 'ms', '% of step'], timelineByKernel(t).map((k) => [k.key, String(k.count), k.ms.toFixed(3), `${((100 * k.ms) / t.totalMs).toFixed(1)}%`])));
    for (const n of t.notes ?? []) lines.push(`  note: ${n}`);
  }
  const side = timelineSideBySide(res.timelines);
  if (side) {
    lines.push('', `one training step by pass and layer, side by side (batch ${side.batch}; ms, share of the step, kernels):`);
    lines.push(textTable(side.header, side.rows));
  }
  const sweep = sweepSeries(res);
  if (sweep.length) {
    lines.push('', 'batch sweep (ms per step / images per s):');
    const batches = [...new Set(sweep.flatMap((s) => s.points.map((p) => p.batch)))].sort((a, b) => a - b);
    lines.push(textTable(['backend', ...batches.map(String)], sweep.map((s) => [s.backend, ...batches.map((b) => {
      const p = s.points.find((q) => q.batch === b);
      return p ? `${f(p.ms, 1)} / ${f(p.imagesPerSec, 0)}` : '-';
    })])));
  }
  for (const t of res.tuning ?? []) lines.push('', tuneText(t));
  for (const e of res.errors) lines.push(`error: ${e}`);
  return lines.join('\n');
}

const VARIANT_ORDER = ['blocked', 'tiled', 'subgroup'] as const;

function bestGflops(r: TuneRow): number {
  const v = r.variants[r.chosen];
  return v && 'gflops' in v ? v.gflops : NaN;
}

/**
 * Each convolution's chosen variant against the best matmul variant at its GEMM shape: from the
 * paired timing (the two sampled in alternation) where the report has it, else from the two
 * variant tables.
 */
export function convVsMatmul(t: TuneReport): { kernel: string; shape: string; gemm: string; conv: number; matmul: number; ratio: number }[] {
  if (t.paired?.length) {
    return t.paired.map((p) => ({
      kernel: p.kernel, shape: p.shape, gemm: `${p.gemm.M}, ${p.gemm.N}, ${p.gemm.K}`,
      conv: p.conv.gflops, matmul: p.matmul.gflops, ratio: p.conv.gflops / p.matmul.gflops,
    }));
  }
  const out: { kernel: string; shape: string; gemm: string; conv: number; matmul: number; ratio: number }[] = [];
  for (const r of t.rows) {
    if (r.kernel === 'matmul' || r.kernel === 'sum' || !r.gemm) continue;
    const mm = t.matmulAtConvShapes.find((m) => m.shape === gemmShapeKey(r.gemm!));
    if (!mm) continue;
    const conv = bestGflops(r);
    const matmul = bestGflops(mm);
    out.push({ kernel: r.kernel, shape: r.shape, gemm: `${r.gemm.M}, ${r.gemm.N}, ${r.gemm.K}`, conv, matmul, ratio: conv / matmul });
  }
  return out;
}

/** The tune suite as text: the variant table (GFLOP/s per variant, the choice) and conv vs matmul. */
export function tuneText(t: TuneReport): string {
  const cell = (r: TuneRow, v: (typeof VARIANT_ORDER)[number]) => {
    const x = r.variants[v];
    if (!x) return '-';
    return 'failed' in x ? 'failed' : `${x.gflops.toFixed(2)}${r.chosen === v ? ' *' : ''}`;
  };
  const rows = [...t.rows, ...t.matmulAtConvShapes.map((r) => ({ ...r, shape: `${r.shape} (conv GEMM)` }))];
  const lines = [
    `variants on ${t.adapter}, training step at batch ${t.batch} (${t.source}; GFLOP/s, * = chosen; a sum counts one flop per add):`,
    textTable(['kernel', 'shape', 'ms (chosen)', ...VARIANT_ORDER], rows.map((r) => {
      const c = r.variants[r.chosen];
      return [r.kernel, r.shape, c && 'ms' in c ? c.ms.toFixed(3) : '-', ...VARIANT_ORDER.map((v) => cell(r, v))];
    })),
  ];
  const cmp = convVsMatmul(t);
  if (cmp.length) {
    const how = t.paired?.length ? `timed in alternation, best of ${t.paired[0].rounds} rounds each` : 'from the variant tables above';
    lines.push('', `each conv kernel (its chosen variant) against the engine's matmul (its best variant) at the same GEMM shape, ${how}:`);
    lines.push(textTable(['kernel', 'conv shape', 'M, N, K', 'conv GFLOP/s', 'matmul GFLOP/s', 'conv / matmul'],
      cmp.map((c) => [c.kernel, c.shape, c.gemm, c.conv.toFixed(2), c.matmul.toFixed(2), `${(100 * c.ratio).toFixed(0)}%`])));
  }
  return lines.join('\n');
}

/** Timeline grouped by op/kernel, slowest first. */
export function timelineByKernel(t: Timeline): { key: string; count: number; ms: number }[] {
  const m = new Map<string, { key: string; count: number; ms: number }>();
  for (const d of t.dispatches) {
    const key = d.op && d.op !== d.kernel ? `${d.op} / ${d.kernel}` : d.kernel;
    const e = m.get(key) ?? { key, count: 0, ms: 0 };
    e.count++;
    e.ms += d.ms;
    m.set(key, e);
  }
  return [...m.values()].sort((a, b) => b.ms - a.ms);
}

/**
 * The timelines at one batch, grouped by pass and layer (bench/layer-map.ts), one column group per
 * engine/backend: ms, share of that step and kernel count. Null when there is no timeline.
 */
export function timelineSideBySide(timelines: readonly Timeline[]): { batch: number; header: string[]; rows: string[][] } | null {
  if (!timelines.length) return null;
  const batch = timelines[0].batch;
  const ts = timelines.filter((t) => t.batch === batch);
  const groups = groupOrder(cnnLayerShapes(batch));
  const known = new Set(groups.map((g) => `${g.pass}|${g.layer}`));
  for (const t of ts) for (const d of t.dispatches) if (d.pass && !known.has(`${d.pass}|${d.layer}`)) {
    known.add(`${d.pass}|${d.layer}`);
    groups.push({ pass: d.pass, layer: d.layer });
  }
  const header = ['pass', 'layer', ...ts.flatMap((t) => [`${t.backend} ms`, '%', 'n'])];
  const rows: string[][] = [];
  for (const g of groups) {
    const cells = ts.map((t) => {
      const ds = t.dispatches.filter((d) => d.pass === g.pass && d.layer === g.layer);
      const ms = ds.reduce((a, d) => a + d.ms, 0);
      return { ms, n: ds.length, share: t.totalMs > 0 ? (100 * ms) / t.totalMs : 0 };
    });
    if (cells.every((c) => c.n === 0)) continue;
    rows.push([g.pass, g.layer, ...cells.flatMap((c) => (c.n ? [c.ms.toFixed(2), c.share.toFixed(1), String(c.n)] : ['-', '-', '0']))]);
  }
  rows.push(['step', 'total', ...ts.flatMap((t) => [t.totalMs.toFixed(2), '100', String(t.dispatches.length)])]);
  return { batch, header, rows };
}

/** Step-suite rows per backend, by batch: the sweep's series. Empty without a sweep. */
export function sweepSeries(res: BenchResults): { backend: string; points: { batch: number; ms: number; imagesPerSec: number }[] }[] {
  if (!res.params.sweep) return [];
  const out = new Map<string, { batch: number; ms: number; imagesPerSec: number }[]>();
  for (const r of res.results) {
    if (r.suite !== 'step' || r.batch === null) continue;
    const list = out.get(r.backend) ?? [];
    list.push({ batch: r.batch, ms: r.medianMs, imagesPerSec: r.imagesPerSec ?? (r.batch * 1000) / r.medianMs });
    out.set(r.backend, list);
  }
  return [...out].map(([backend, points]) => ({ backend, points: points.sort((a, b) => a.batch - b.batch) }));
}

export function adapterHtml(res: BenchResults): string {
  const a = res.adapter;
  if (!a) return '<p><b>No WebGPU adapter.</b></p>';
  const rows: [string, string][] = [
    ['name', a.name], ['vendor', a.vendor], ['architecture', a.architecture], ['device', a.device], ['description', a.description],
    ['isFallbackAdapter', String(a.isFallbackAdapter)], ['timestamp-query', String(a.timestampQuery)],
    ['pipeline compilation (sum over kernels)', `${a.compileMs.toFixed(0)} ms`],
    ['features', a.features.join(', ')],
  ];
  const limits = Object.entries(a.limits).map(([k, v]) => `${k}: ${v}`).join('<br>');
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}<tr><th>limits</th><td><details><summary>${Object.keys(a.limits).length} limits</summary><small>${limits}</small></details></td></tr></table>`;
}

export function resultsTableHtml(rows: readonly ResultRow[]): string {
  return `<table class="results"><thead><tr>${HEADER.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${cells(r).map((c, i) => `<td${i > 4 ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const COLORS: Record<string, string> = {
  webgpu: '#1f77b4', cpu: '#2ca02c', 'tfjs-webgpu': '#aec7e8', 'tfjs-cpu': '#98df8a', 'tfjs-wasm': '#ff9896',
};

/** Horizontal bar chart: one bar per item, value labelled. */
function barChart(title: string, items: { label: string; value: number; color: string }[], unit: string): string {
  if (!items.length) return '';
  const w = 760;
  const left = 300;
  const bh = 16;
  const h = 30 + items.length * (bh + 4);
  const max = Math.max(...items.map((i) => i.value), 1e-12);
  const bars = items
    .map((it, k) => {
      const y = 24 + k * (bh + 4);
      const bw = Math.max(1, ((w - left - 90) * it.value) / max);
      return `<text x="${left - 6}" y="${y + 12}" text-anchor="end" font-size="11">${esc(it.label)}</text><rect x="${left}" y="${y}" width="${bw.toFixed(1)}" height="${bh}" fill="${it.color}"/><text x="${left + bw + 4}" y="${y + 12}" font-size="11">${f(it.value, 3)} ${unit}</text>`;
    })
    .join('');
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif"><text x="4" y="14" font-size="13" font-weight="bold">${esc(title)}</text>${bars}</svg></figure>`;
}

/** The timeline of one step: dispatches in order, bar length = duration, x = start. */
function timelineChart(t: Timeline): string {
  const w = 760;
  const left = 260;
  const bh = 10;
  const ds = t.dispatches;
  if (!ds.length) return '';
  const h = 30 + ds.length * (bh + 2);
  const end = Math.max(...ds.map((d) => d.startMs + d.ms), 1e-9);
  const scale = (w - left - 70) / end;
  const bars = ds
    .map((d, k) => {
      const y = 24 + k * (bh + 2);
      const label = d.op && d.op !== d.kernel ? `${d.op}/${d.kernel}` : d.kernel;
      return `<text x="${left - 6}" y="${y + 9}" text-anchor="end" font-size="9">${k} ${esc(label)}</text><rect x="${(left + d.startMs * scale).toFixed(1)}" y="${y}" width="${Math.max(1, d.ms * scale).toFixed(1)}" height="${bh}" fill="${COLORS[t.backend] ?? '#888'}"><title>${esc(label)}: ${d.ms.toFixed(3)} ms</title></rect><text x="${(left + (d.startMs + d.ms) * scale + 3).toFixed(1)}" y="${y + 9}" font-size="9">${d.ms.toFixed(2)}</text>`;
    })
    .join('');
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif"><text x="4" y="14" font-size="13" font-weight="bold">One training step on ${esc(t.backend)}, batch ${t.batch}: ${ds.length} dispatches, ${t.totalMs.toFixed(1)} ms (${t.source})</text>${bars}</svg></figure>`;
}

/** A line chart on log-log axes (log2 x): one polyline per series, points marked and titled. */
function lineChart(title: string, xLabel: string, yLabel: string, series: { label: string; color: string; points: [number, number][] }[]): string {
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  if (!pts.length) return '';
  const w = 760;
  const h = 360;
  const m = { l: 70, r: 150, t: 30, b: 45 };
  const lx = (x: number) => Math.log2(x);
  const ly = (y: number) => Math.log10(y);
  const [x0, x1] = [Math.min(...pts.map((p) => lx(p[0]))), Math.max(...pts.map((p) => lx(p[0])))];
  const [y0, y1] = [Math.floor(Math.min(...pts.map((p) => ly(p[1])))), Math.ceil(Math.max(...pts.map((p) => ly(p[1]))))];
  const X = (x: number) => m.l + ((lx(x) - x0) / Math.max(x1 - x0, 1e-9)) * (w - m.l - m.r);
  const Y = (y: number) => h - m.b - ((ly(y) - y0) / Math.max(y1 - y0, 1e-9)) * (h - m.t - m.b);
  const grid: string[] = [];
  for (let e = y0; e <= y1; e++) {
    const y = Y(10 ** e);
    grid.push(`<line x1="${m.l}" x2="${w - m.r}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#ddd"/><text x="${m.l - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="11">${10 ** e >= 1 ? (10 ** e).toLocaleString('en-US') : (10 ** e).toPrecision(1)}</text>`);
  }
  for (let e = Math.ceil(x0); e <= x1; e++) {
    const x = X(2 ** e);
    grid.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${m.t}" y2="${h - m.b}" stroke="#eee"/><text x="${x.toFixed(1)}" y="${h - m.b + 16}" text-anchor="middle" font-size="11">${2 ** e}</text>`);
  }
  const lines = series.map((s, k) => {
    const p = s.points.filter(([x, y]) => x > 0 && y > 0);
    const d = p.map(([x, y], i) => `${i ? 'L' : 'M'}${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join('');
    const dots = p.map(([x, y]) => `<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(s.label)}: batch ${x}, ${f(y, 2)} ${esc(yLabel)}</title></circle>`).join('');
    const dash = s.label.startsWith('tfjs') ? ' stroke-dasharray="6 4"' : '';
    return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>${dots}<text x="${w - m.r + 8}" y="${m.t + 14 + 16 * k}" font-size="12" fill="${s.color}">${esc(s.label)}</text>`;
  });
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif"><text x="4" y="16" font-size="13" font-weight="bold">${esc(title)}</text>${grid.join('')}${lines.join('')}<text x="${(m.l + w - m.r) / 2}" y="${h - 8}" text-anchor="middle" font-size="12">${esc(xLabel)}</text><text x="14" y="${(m.t + h - m.b) / 2}" font-size="12" transform="rotate(-90 14 ${(m.t + h - m.b) / 2})" text-anchor="middle">${esc(yLabel)}</text></svg></figure>`;
}

export function chartsHtml(res: BenchResults): string {
  const parts: string[] = [];
  const sweep = sweepSeries(res);
  if (sweep.length) {
    parts.push(lineChart('Training step: ms per step against batch size (log-log; lower is better)', 'batch size', 'ms per step', sweep.map((s) => ({
      label: s.backend, color: COLORS[s.backend] ?? '#888', points: s.points.map((p) => [p.batch, p.ms] as [number, number]),
    }))));
    parts.push(lineChart('Training step: images per second against batch size (log-log; higher is better)', 'batch size', 'images / s', sweep.map((s) => ({
      label: s.backend, color: COLORS[s.backend] ?? '#888', points: s.points.map((p) => [p.batch, p.imagesPerSec] as [number, number]),
    }))));
  }
  const step = res.results.filter((r) => r.suite === 'step' || r.suite === 'inference');
  parts.push(barChart('Training step and inference: images per second (higher is better)', step.map((r) => ({
    label: `${r.suite} b${r.batch} ${r.backend}`, value: r.imagesPerSec ?? 0, color: COLORS[r.backend] ?? '#888',
  })), 'img/s'));
  const mm = res.results.filter((r) => r.suite === 'matmul');
  parts.push(barChart('Matmul sweep: GFLOP/s (the roofline of each backend)', mm.map((r) => ({
    label: `${r.name} ${r.backend}`, value: r.gflops ?? 0, color: COLORS[r.backend] ?? '#888',
  })), 'GFLOP/s'));
  const batches = [...new Set(res.results.filter((r) => r.suite === 'kernels').map((r) => r.batch))];
  for (const b of batches) {
    const ks = res.results.filter((r) => r.suite === 'kernels' && r.batch === b);
    parts.push(barChart(`Kernels at batch ${b}: ms (${[...new Set(ks.map((k) => `${k.backend}: ${k.source}`))].join(', ')})`, ks.map((r) => ({
      label: `${r.name} ${r.backend}`, value: r.medianMs, color: COLORS[r.backend] ?? '#888',
    })), 'ms'));
  }
  const side = timelineSideBySide(res.timelines);
  if (side) {
    const ts = res.timelines.filter((t) => t.batch === side.batch);
    const items = side.rows.filter((r) => r[0] !== 'step').flatMap((r) => ts.map((t, k) => ({
      label: `${r[0]} ${r[1]} · ${t.backend}`, value: Number(r[2 + 3 * k]) || 0, color: COLORS[t.backend] ?? '#888',
    })));
    parts.push(barChart(`One training step by pass and layer, batch ${side.batch}: ms per engine`, items, 'ms'));
  }
  for (const t of res.timelines) if (t.source !== 'tf.profile') parts.push(timelineChart(t));
  return parts.join('\n');
}

export const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1200px}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px}td.n{text-align:right;font-variant-numeric:tabular-nums}table.kv th{text-align:left;background:#f4f4f4}figure{margin:1em 0}`;

/** A self-contained HTML report (inline CSS and SVG, the JSON embedded). */
export function reportHtml(res: BenchResults): string {
  const cmp = comparisons(res);
  const cmpHtml = cmp.length
    ? `<table class="results"><tr><th>what</th><th>ours</th><th>theirs</th><th>speed-up (their time / ours)</th></tr>${cmp.map((c) => `<tr><td>${esc(c.what)}</td><td>${c.ours}</td><td>${c.theirs}</td><td class="n">${c.ratio.toFixed(2)}x</td></tr>`).join('')}</table>`
    : '';
  const side = timelineSideBySide(res.timelines);
  const sideHtml = side
    ? `<h2>One training step by pass and layer, both engines (batch ${side.batch})</h2><p>Kernels mapped to layers by call order and output shape (bench/README.md, "Timelines").</p><table class="results"><tr>${side.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${side.rows.map((r) => `<tr>${r.map((c, i) => `<td${i > 1 ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`
    : '';
  const tl = res.timelines
    .map((t) => `<h3>Per-kernel breakdown: ${esc(t.backend)}, batch ${t.batch} (${t.source})</h3>${(t.notes ?? []).map((n) => `<p>note: ${esc(n)}</p>`).join('')}<table class="results"><tr><th>op / kernel</th><th>count</th><th>ms</th><th>%</th></tr>${timelineByKernel(t).map((k) => `<tr><td>${esc(k.key)}</td><td class="n">${k.count}</td><td class="n">${k.ms.toFixed(3)}</td><td class="n">${((100 * k.ms) / t.totalMs).toFixed(1)}</td></tr>`).join('')}</table>`
      + `<details><summary>every kernel in call order (${t.dispatches.length})</summary><table class="results"><tr><th>#</th><th>pass</th><th>layer</th><th>kernel</th><th>output shape</th><th>ms</th></tr>${t.dispatches.map((d) => `<tr><td class="n">${d.index}</td><td>${esc(d.pass ?? '')}</td><td>${esc(d.layer ?? '')}</td><td>${esc(d.op && d.op !== d.kernel ? `${d.op} / ${d.kernel}` : d.kernel)}</td><td>${esc(d.shape ? `[${d.shape.join(',')}]` : '')}</td><td class="n">${d.ms.toFixed(3)}</td></tr>`).join('')}</table></details>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Benchmark ${esc(res.adapter?.name ?? res.environment)} ${esc(res.date)}</title><style>${STYLE}</style></head><body>
<h1>webgpu-tensor-engine benchmark</h1><p>${esc(res.date)} · ${esc(res.environment)} · ${esc(res.userAgent)} · TensorFlow.js ${esc(res.tfjsVersion ?? '-')}</p>
<h2>Adapter</h2>${adapterHtml(res)}
<h2>Charts</h2>${chartsHtml(res)}
<h2>This engine vs TensorFlow.js</h2>${cmpHtml}
${sideHtml}
${tl}
${(res.tuning ?? []).map((t) => `<h2>Kernel variants</h2><pre>${esc(tuneText(t))}</pre>`).join('')}
<h2>All results</h2>${resultsTableHtml(res.results)}
${res.errors.length ? `<h2>Errors</h2><ul>${res.errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}
<h2>Parameters</h2><pre>${esc(JSON.stringify(res.params, null, 1))}</pre>
<script type="application/json" id="results">${JSON.stringify(res).replace(/</g, '\\u003c')}</script>
</body></html>`;
}

/** Two result files side by side: medians and the ratio B/A per matching row. */
export function compareText(a: BenchResults, b: BenchResults, nameA: string, nameB: string): string {
  const key = (r: ResultRow) => `${r.suite}|${r.backend}|${r.name}|${r.batch}`;
  const mb = new Map(b.results.map((r) => [key(r), r]));
  const rows: string[][] = [];
  for (const r of a.results) {
    const s = mb.get(key(r));
    rows.push([`${r.suite} ${r.backend} ${r.name}${r.batch !== null ? ` b${r.batch}` : ''}`, f(r.medianMs, 3), s ? f(s.medianMs, 3) : '-', s ? `${(s.medianMs / r.medianMs).toFixed(2)}` : '-', r.source + (s && s.source !== r.source ? `/${s.source}` : '')]);
    mb.delete(key(r));
  }
  for (const s of mb.values()) rows.push([`${s.suite} ${s.backend} ${s.name}${s.batch !== null ? ` b${s.batch}` : ''}`, '-', f(s.medianMs, 3), '-', s.source]);
  return [
    `A: ${nameA}: ${a.adapter?.name ?? 'no adapter'} (${a.environment}, ${a.date})`,
    `B: ${nameB}: ${b.adapter?.name ?? 'no adapter'} (${b.environment}, ${b.date})`,
    textTable(['row', 'A median ms', 'B median ms', 'B/A time', 'source'], rows),
  ].join('\n');
}
