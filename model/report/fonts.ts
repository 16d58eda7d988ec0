/**
 * Fonts for the report's figures: which font files resvg renders with, and text widths measured
 * from those same files so that vega lays out titles, labels and legends for the glyphs that
 * will actually be drawn.
 *
 * Vega in Node has no canvas to measure text and falls back to a rough estimate (0.8 em per
 * character), which leaves large gaps beside axis labels. Instead we read the advance widths of
 * DejaVu Sans (regular and bold) from the TrueType `hmtx`/`cmap` tables and install them as
 * `vega.textMetrics.width` (vega's documented hook for a user-defined measure, as vl-convert
 * uses). When the fonts are missing, vega's estimate stays and resvg uses the system fonts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';

export const FONT_FAMILY = 'DejaVu Sans';

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/share/fonts/TTF'];

function findFont(file: string): string | undefined {
  for (const dir of FONT_DIRS) {
    const p = join(dir, file);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The regular and bold DejaVu Sans files, when installed. */
export const FONT_FILES: { regular?: string; bold?: string } = {
  regular: findFont('DejaVuSans.ttf'),
  bold: findFont('DejaVuSans-Bold.ttf'),
};

/** Advance widths of a TrueType font, per code point, in em. */
export class TrueTypeWidths {
  private readonly view: DataView;
  private readonly unitsPerEm: number;
  private readonly numHMetrics: number;
  private readonly hmtx: number;
  private readonly cmap4: number;
  private readonly cache = new Map<number, number>();

  constructor(bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const v = this.view;
    const tables = new Map<string, number>();
    const numTables = v.getUint16(4);
    for (let i = 0; i < numTables; i++) {
      const rec = 12 + 16 * i;
      const tag = String.fromCharCode(v.getUint8(rec), v.getUint8(rec + 1), v.getUint8(rec + 2), v.getUint8(rec + 3));
      tables.set(tag, v.getUint32(rec + 8));
    }
    const need = (tag: string): number => {
      const off = tables.get(tag);
      if (off === undefined) throw new Error(`TrueType font has no '${tag}' table`);
      return off;
    };
    this.unitsPerEm = v.getUint16(need('head') + 18);
    this.numHMetrics = v.getUint16(need('hhea') + 34);
    this.hmtx = need('hmtx');
    const cmap = need('cmap');
    let sub = -1;
    const n = v.getUint16(cmap + 2);
    for (let i = 0; i < n; i++) {
      const platform = v.getUint16(cmap + 4 + 8 * i);
      const encoding = v.getUint16(cmap + 6 + 8 * i);
      const off = cmap + v.getUint32(cmap + 8 + 8 * i);
      if (v.getUint16(off) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) {
        sub = off;
        if (platform === 3) break;
      }
    }
    if (sub < 0) throw new Error('TrueType font has no format-4 Unicode cmap');
    this.cmap4 = sub;
  }

  private glyph(code: number): number {
    const v = this.view;
    const t = this.cmap4;
    if (code > 0xffff) return 0;
    const segCount = v.getUint16(t + 6) / 2;
    const ends = t + 14;
    const starts = ends + 2 * segCount + 2;
    const deltas = starts + 2 * segCount;
    const rangeOffsets = deltas + 2 * segCount;
    for (let s = 0; s < segCount; s++) {
      if (v.getUint16(ends + 2 * s) < code) continue;
      const start = v.getUint16(starts + 2 * s);
      if (start > code) return 0;
      const delta = v.getUint16(deltas + 2 * s);
      const ro = v.getUint16(rangeOffsets + 2 * s);
      if (ro === 0) return (code + delta) & 0xffff;
      const g = v.getUint16(rangeOffsets + 2 * s + ro + 2 * (code - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  }

  /** Advance width of one code point, in em. */
  advance(code: number): number {
    let w = this.cache.get(code);
    if (w === undefined) {
      const g = Math.min(this.glyph(code), this.numHMetrics - 1);
      w = this.view.getUint16(this.hmtx + 4 * g) / this.unitsPerEm;
      this.cache.set(code, w);
    }
    return w;
  }

  /** Width of a string at a font size (no kerning), in the size's units. */
  width(text: string, fontSize: number): number {
    let em = 0;
    for (const ch of text) em += this.advance(ch.codePointAt(0)!);
    return em * fontSize;
  }
}

let installed = false;

/**
 * Makes vega measure text with DejaVu Sans's real advance widths (bold for bold text). Idempotent;
 * a no-op when the font files are not installed.
 */
export function installTextMetrics(): void {
  if (installed) return;
  installed = true;
  if (!FONT_FILES.regular) return;
  const regular = new TrueTypeWidths(readFileSync(FONT_FILES.regular));
  const bold = FONT_FILES.bold ? new TrueTypeWidths(readFileSync(FONT_FILES.bold)) : regular;
  interface TextItem {
    fontSize?: number | string;
    fontWeight?: number | string;
  }
  // vega-scenegraph's textMetrics (re-exported by vega; absent from vega's typings).
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
  metrics.width = (item: TextItem, text: unknown): number => {
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const str = text == null ? '' : String(text).trim();
    if (size <= 0 || !str) return 0;
    const w = item.fontWeight;
    const font = w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600) || (typeof w === 'string' && +w >= 600) ? bold : regular;
    return font.width(str, size);
  };
}

/** resvg font options: the DejaVu files when present, else the system fonts. */
export function resvgFontOptions(): { loadSystemFonts: boolean; fontFiles: string[]; defaultFontFamily: string } {
  const files = [FONT_FILES.regular, FONT_FILES.bold].filter((f): f is string => f !== undefined);
  return { loadSystemFonts: files.length === 0, fontFiles: files, defaultFontFamily: FONT_FAMILY };
}
