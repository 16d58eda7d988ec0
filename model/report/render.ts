/**
 * Vega-Lite spec -> SVG (vega's headless renderer) -> PNG (resvg, with the report's fonts); renderSvg
 * does the last step for an SVG drawn by hand (the feature maps).
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { installTextMetrics, resvgFontOptions } from './fonts.js';

/** A Vega-Lite spec as plain JSON (checked by vega-lite when compiled). */
export type VlSpec = Record<string, unknown>;

export interface RenderedFigure {
  svg: string;
  png: Buffer;
  /** Size of the figure in CSS pixels (the PNG is `scale` times larger). */
  width: number;
  height: number;
  scale: number;
}

/** A vega logger that collects warnings and errors instead of printing them. */
function collectingLogger(sink: string[]): vega.LoggerInterface {
  return vega.logger(vega.Warn, undefined, (_method, level, args) => {
    sink.push(`${level} ${args.map(String).join(' ')}`);
  });
}

/**
 * Renders a Vega-Lite spec to SVG and PNG. `scale` is the PNG's pixels per CSS pixel (2 gives a
 * crisp image on high-density screens). Warnings from vega-lite and vega go to `warnings`.
 */
export async function renderSpec(spec: VlSpec, scale = 2, warnings: string[] = []): Promise<RenderedFigure> {
  installTextMetrics();
  const logger = collectingLogger(warnings);
  const compiled = compile(spec as unknown as TopLevelSpec, { logger });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', logger });
  try {
    return renderSvg(await view.toSVG(), scale);
  } finally {
    view.finalize();
  }
}

/** Renders an SVG (vega's, or one drawn by hand such as the feature maps') to PNG with the report's fonts. */
export function renderSvg(svg: string, scale = 2): RenderedFigure {
  installTextMetrics();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: resvgFontOptions(),
  });
  const image = resvg.render();
  // resvg.width/height are the SVG's own size; the rendered image is `scale` times larger.
  return { svg, png: image.asPng(), width: image.width / scale, height: image.height / scale, scale };
}
