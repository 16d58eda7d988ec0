/**
 * Headless Chromium for the playground tests: the system Chromium through puppeteer-core with the
 * flags of shared/docs/webgpu-here.md, a fresh profile, downloads into a folder, and every console
 * error and page error (the worker's included) collected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

export interface PlaygroundBrowser {
  browser: Browser;
  downloads: string;
  /** A new tab that records console errors and page errors into `errors`. */
  open(url: string, options?: { withoutWebGPU?: boolean }): Promise<{ page: Page; errors: string[]; console: string[] }>;
  close(): Promise<void>;
}

export async function launchPlaygroundBrowser(): Promise<PlaygroundBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'playground-chrome-'));
  const downloads = mkdtempSync(join(tmpdir(), 'playground-downloads-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--no-first-run', `--user-data-dir=${profile}`],
    protocolTimeout: 300_000,
  });
  return {
    browser,
    downloads,
    async open(url, options = {}) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      const errors: string[] = [];
      const lines: string[] = [];
      page.on('console', (m) => {
        lines.push(`${m.type()}: ${m.text()}`);
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${String(e)}`));
      page.on('workercreated', (w) => {
        w.on('console', (m) => {
          lines.push(`worker ${m.type()}: ${m.text()}`);
          if (m.type() === 'error') errors.push(`worker console: ${m.text()}`);
        });
      });
      const cdp = await page.createCDPSession();
      await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads, eventsEnabled: true });
      if (options.withoutWebGPU) {
        // A browser without WebGPU: navigator.gpu is absent in the page (and so in what the page probes).
        await page.evaluateOnNewDocument(() => {
          delete (Navigator.prototype as unknown as { gpu?: unknown }).gpu;
        });
      }
      await page.goto(url);
      await page.waitForFunction('document.body.dataset.ready === "true"', { timeout: 120_000 });
      return { page, errors, console: lines };
    },
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(downloads, { recursive: true, force: true });
    },
  };
}
