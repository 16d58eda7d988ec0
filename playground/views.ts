/** The page's drawings: a 28x28 image, feature maps, probability bars, the confusion matrix and the step timeline. */
import type { Evaluation, FeatureMap, StepProfile } from './protocol.js';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** A perceptual dark-to-light colour ramp (approximately "inferno"), t in [0, 1]. */
const RAMP: [number, number, number][] = [[0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99], [212, 72, 66], [245, 125, 21], [250, 193, 39], [252, 255, 164]];
function ramp(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i];
  const b = RAMP[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** Draws 28x28 values in [0, 1] (gray) into a canvas, scaled up. */
export function drawGray(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, size = 28): void {
  const img = new ImageData(size, size);
  for (let p = 0; p < size * size; p++) {
    const v = Math.round(Math.min(1, Math.max(0, pixels[p])) * 255);
    img.data.set([v, v, v, 255], 4 * p);
  }
  const tmp = new OffscreenCanvas(size, size);
  tmp.getContext('2d')!.putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}

/** Every channel of a conv layer's output as a tile in a grid, each scaled to its own maximum. */
export function featureMapGrid(map: FeatureMap, columns: number, tilePx: number): HTMLCanvasElement {
  const [h, w, c] = map.shape;
  const rows = Math.ceil(c / columns);
  const gap = 3;
  const scale = Math.max(1, Math.round(tilePx / w));
  const canvas = el('canvas', { width: String(columns * (w * scale + gap) - gap), height: String(rows * (h * scale + gap) - gap), class: 'fmap' });
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  const tile = new ImageData(w, h);
  const tmp = new OffscreenCanvas(w, h);
  const tctx = tmp.getContext('2d')!;
  for (let ch = 0; ch < c; ch++) {
    let max = 0;
    for (let p = 0; p < h * w; p++) max = Math.max(max, map.values[p * c + ch]);
    for (let p = 0; p < h * w; p++) {
      const [r, g, b] = ramp(max > 0 ? map.values[p * c + ch] / max : 0);
      tile.data.set([r, g, b, 255], 4 * p);
    }
    tctx.putImageData(tile, 0, 0);
    ctx.drawImage(tmp, (ch % columns) * (w * scale + gap), Math.floor(ch / columns) * (h * scale + gap), w * scale, h * scale);
  }
  return canvas;
}

/** Ten bars, most likely class highlighted (and the true class marked when known). */
export function probabilityBars(target: HTMLElement, probabilities: ArrayLike<number>, classNames: readonly string[], trueClass?: number): void {
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[best]) best = i;
  target.replaceChildren(...Array.from(probabilities, (p, i) => {
    const row = el('div', { class: `bar${i === best ? ' best' : ''}${i === trueClass ? ' truth' : ''}`, 'data-class': String(i) },
      el('span', { class: 'bar-label' }, classNames[i] ?? `class ${i}`),
      el('span', { class: 'bar-track' }, el('span', { class: 'bar-fill', style: `width:${(100 * p).toFixed(1)}%` })),
      el('span', { class: 'bar-value' }, `${(100 * p).toFixed(1)}%`));
    return row;
  }));
}

export function confusionTable(target: HTMLElement, ev: Evaluation, classNames: readonly string[], when = ''): void {
  const short = classNames.map((n) => n.split('/')[0]);
  const head = el('tr', {}, el('th', { class: 'corner' }, 'true \\ predicted'), ...short.map((n) => el('th', { class: 'col' }, n)));
  const rows = ev.confusion.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    return el('tr', {}, el('th', { class: 'rowh' }, short[t]), ...row.map((v, p) => {
      const f = v / total;
      const style = p === t ? `background: rgba(56, 189, 148, ${0.15 + 0.85 * f})` : v > 0 ? `background: rgba(244, 114, 94, ${Math.min(1, 0.1 + 3 * f)})` : '';
      return el('td', { style, title: `${classNames[t]} predicted as ${classNames[p]}: ${v} of ${total}` }, String(v));
    }));
  });
  target.replaceChildren(
    el('p', { class: 'eval-line' }, `${when}${ev.count.toLocaleString('en-US')} test images: accuracy ${(100 * ev.accuracy).toFixed(2)}%, loss ${ev.loss.toFixed(4)}`),
    el('table', { class: 'confusion' }, el('thead', {}, head), el('tbody', {}, ...rows)),
  );
}

const OP_COLORS = ['#60a5fa', '#f472b6', '#34d399', '#fbbf24', '#a78bfa', '#f87171', '#22d3ee', '#a3e635', '#fb923c', '#e879f9', '#94a3b8', '#2dd4bf'];

/** The profiled step: a timeline of every dispatch, a table per op/kernel, and the ordered list. */
export function timelineView(target: HTMLElement, profile: StepProfile): void {
  const entries = profile.entries;
  const total = entries.reduce((s, e) => s + e.ms, 0);
  const end = Math.max(1e-6, ...entries.map((e) => e.startMs + e.ms));
  const groups = new Map<string, { op: string; kernel: string; count: number; ms: number }>();
  for (const e of entries) {
    const key = `${e.op ?? 'backend'} / ${e.kernel}`;
    const g = groups.get(key) ?? { op: e.op ?? 'backend', kernel: e.kernel, count: 0, ms: 0 };
    g.count++;
    g.ms += e.ms;
    groups.set(key, g);
  }
  const ops = [...new Set(entries.map((e) => e.op ?? 'backend'))];
  const color = (op: string | null) => OP_COLORS[ops.indexOf(op ?? 'backend') % OP_COLORS.length];
  const W = 1000;
  const H = 34;
  const svgNS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('class', 'timeline');
  svg.setAttribute('preserveAspectRatio', 'none');
  entries.forEach((e, i) => {
    const r = document.createElementNS(svgNS, 'rect');
    r.setAttribute('x', String((e.startMs / end) * W));
    r.setAttribute('y', '2');
    r.setAttribute('width', String(Math.max(0.8, (e.ms / end) * W)));
    r.setAttribute('height', String(H - 4));
    r.setAttribute('fill', color(e.op));
    const t = document.createElementNS(svgNS, 'title');
    t.textContent = `#${i} ${e.op ?? 'backend'} / ${e.kernel}: ${e.ms.toFixed(3)} ms at ${e.startMs.toFixed(2)} ms`;
    r.append(t);
    svg.append(r);
  });
  const sourceText = profile.source === 'gpu-timestamp' ? 'GPU time from timestamp queries'
    : profile.source === 'wall' ? 'host wall time per dispatch (this adapter has no timestamp-query)'
      : 'CPU backend: each kernel timed on the host';
  const counted = profile.dispatches === null ? '' : `, ${profile.dispatches} dispatched`;
  const summary = el('p', { class: 'timeline-summary' },
    `Step ${profile.step} (${profile.backend}): ${entries.length} ${profile.backend === 'cpu' ? 'kernel calls' : 'dispatches'} timed${counted}; ` +
    `sum ${total.toFixed(1)} ms, profiled step ${profile.wallMs.toFixed(0)} ms wall. ${sourceText}.`);
  const sorted = [...groups.values()].sort((a, b) => b.ms - a.ms);
  const table = el('table', { class: 'kernels' },
    el('thead', {}, el('tr', {}, el('th', {}, 'op / kernel'), el('th', {}, 'count'), el('th', {}, 'ms'), el('th', {}, '%'))),
    el('tbody', {}, ...sorted.map((g) => el('tr', {},
      el('td', {}, el('span', { class: 'swatch', style: `background:${color(g.op)}` }), `${g.op} / ${g.kernel}`),
      el('td', {}, String(g.count)), el('td', {}, g.ms.toFixed(2)), el('td', {}, total > 0 ? ((100 * g.ms) / total).toFixed(1) : '0')))));
  const list = el('details', { class: 'dispatch-list' }, el('summary', {}, `every ${profile.backend === 'cpu' ? 'kernel call' : 'dispatch'} in order (${entries.length})`),
    el('ol', {}, ...entries.map((e) => el('li', { 'data-kernel': e.kernel }, `${e.op ?? 'backend'} / ${e.kernel}: ${e.ms.toFixed(3)} ms`))));
  target.replaceChildren(summary, svg, table, list);
}
