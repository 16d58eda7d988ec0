/**
 * `npm run playground`: serves the playground page on http://127.0.0.1:8080/ (see HELP).
 *
 * At start it bundles the page (playground/main.ts) and its training worker (playground/worker.ts)
 * with esbuild, then serves a fixed set of routes and nothing else:
 *
 *   /, /index.html, /style.css, /uplot.css, /app.js, /worker.js   the page
 *   /data/manifest.json          the four Fashion-MNIST files: names, sizes, SHA-256, class names
 *   /data/<official name>.gz     only those four names, from the data folder
 *   /runs/                       the saved models under --runs DIR, as JSON (none without it)
 *   /runs/<run>/model.json       with --runs DIR: DIR/<run>/model/model.json ...
 *   /runs/<run>/<file>.bin       ... and the weight files it names
 *
 * A URL never becomes a file path by joining: the page's files are a fixed table, the data files
 * are looked up by name in a table, and a run's name and a weight file's name must be single
 * plain path segments ([A-Za-z0-9_.-], not '.' or '..') whose resolved real path lies inside the
 * runs folder (so a symlink cannot lead out of it). Anything else is a 404.
 *
 * Every response carries COOP/COEP (Cross-Origin-Opener-Policy: same-origin,
 * Cross-Origin-Embedder-Policy: require-corp), so the page is cross-origin isolated and can use
 * SharedArrayBuffer (the page shares the decoded dataset with its worker that way).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_FILES, REPO_DATA_DIR } from '../model/data/fashion-mnist.js';
import type { DataManifest, RunListing } from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

export const HELP = `Usage: npm run playground -- [options]

Serves the playground: train the tutorial CNN on Fashion-MNIST in the browser (WebGPU or CPU,
in a Web Worker), watch it, inspect it, classify your own drawing, save and load the model.

Options:
  --host H       address to listen on (default 127.0.0.1). WebGPU needs a secure context:
                 open the page as http://localhost or http://127.0.0.1, or through https
  --port N       port (default 8080; 0 picks a free one)
  --data DIR     folder with the four Fashion-MNIST .gz files (default data/fashion-mnist)
  --runs DIR     also serve the models saved by npm run train under DIR (e.g. --runs runs:
                 DIR/<run>/model/model.json), so the page can load them
  -h, --help     this text
`;

export interface PlaygroundServerOptions {
  host?: string;
  port?: number;
  /** Folder of the Fashion-MNIST .gz files (default the repository's data/fashion-mnist). */
  dataDir?: string;
  /** Folder whose <run>/model/ models are served (default: none). */
  runsDir?: string | null;
  /** Minify the bundles (default true). */
  minify?: boolean;
}

export interface PlaygroundServer {
  url: string;
  server: Server;
  /** Data files that are absent from the data folder (the page says so too). */
  missingData: string[];
  close(): Promise<void>;
}

/** The headers of every response. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
});

interface Asset {
  type: string;
  body: Buffer | string;
}

/** One plain path segment: no separators, no '.' or '..', nothing a file system reads specially. */
const SAFE_SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,128}$/;

/** Bundles the page and the worker (esbuild, at server start). */
export async function bundlePlayground(minify = true): Promise<{ app: string; worker: string }> {
  const common = {
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, minify, logLevel: 'error', legalComments: 'none',
  } as const;
  const [app, worker] = await Promise.all([
    build({ ...common, entryPoints: [join(here, 'main.ts')] }),
    build({ ...common, entryPoints: [join(here, 'worker.ts')] }),
  ]);
  return { app: app.outputFiles[0].text, worker: worker.outputFiles[0].text };
}

function dataManifest(dataDir: string): { manifest: DataManifest; files: Map<string, string>; missing: string[] } {
  const files = new Map<string, string>();
  const missing: string[] = [];
  const entries = (Object.keys(FASHION_MNIST_FILES) as (keyof typeof FASHION_MNIST_FILES)[]).map((key) => {
    const spec = FASHION_MNIST_FILES[key];
    const name = `${spec.base}.gz`;
    const path = join(dataDir, name);
    const present = existsSync(path) && statSync(path).isFile();
    if (present) files.set(name, path);
    else missing.push(name);
    return {
      key, name, url: `/data/${name}`, present, compressedBytes: present ? statSync(path).size : 0,
      magic: spec.magic, dims: [...spec.dims] as number[], sha256: spec.sha256Raw,
    };
  });
  return { manifest: { classNames: [...FASHION_MNIST_CLASS_NAMES], files: entries }, files, missing };
}

/** The runs under runsDir that hold a saved model (DIR/<run>/model/model.json). */
async function listRuns(runsDir: string): Promise<RunListing> {
  const { readdir } = await import('node:fs/promises');
  const runs: RunListing['runs'] = [];
  for (const entry of (await readdir(runsDir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!SAFE_SEGMENT.test(entry.name)) continue;
    const json = runFile(runsDir, entry.name, 'model.json');
    if (!json) continue;
    runs.push({ name: entry.name, modelJson: `/runs/${encodeURIComponent(entry.name)}/model.json`, savedAt: statSync(json).mtime.toISOString() });
  }
  return { served: true, runs };
}

/** DIR/<run>/model/<file> when both are safe segments and its real path is a file inside DIR. */
function runFile(runsDir: string, run: string, file: string): string | null {
  if (!SAFE_SEGMENT.test(run) || !SAFE_SEGMENT.test(file)) return null;
  if (file !== 'model.json' && !file.endsWith('.bin')) return null;
  const path = join(runsDir, run, 'model', file);
  try {
    const real = realpathSync(path);
    const base = realpathSync(runsDir);
    if (!real.startsWith(base + sep) || !statSync(real).isFile()) return null;
    return real;
  } catch {
    return null;
  }
}

/** Decodes one URL path segment; null when it is malformed or decodes to something unsafe. */
function segment(raw: string): string | null {
  let s: string;
  try {
    s = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return SAFE_SEGMENT.test(s) ? s : null;
}

export async function startPlaygroundServer(options: PlaygroundServerOptions = {}): Promise<PlaygroundServer> {
  const dataDir = resolve(options.dataDir ?? REPO_DATA_DIR);
  const runsDir = options.runsDir ? resolve(options.runsDir) : null;
  if (runsDir && !(existsSync(runsDir) && statSync(runsDir).isDirectory())) {
    throw new Error(`playground: --runs ${runsDir} is not a folder (npm run train writes runs/latest/model; train first, or leave --runs out)`);
  }
  const bundles = await bundlePlayground(options.minify ?? true);
  const { manifest, files: dataFiles, missing } = dataManifest(dataDir);
  const assets = new Map<string, Asset>([
    ['/', { type: 'text/html; charset=utf-8', body: readFileSync(join(here, 'index.html')) }],
    ['/style.css', { type: 'text/css; charset=utf-8', body: readFileSync(join(here, 'style.css')) }],
    ['/uplot.css', { type: 'text/css; charset=utf-8', body: readFileSync(join(root, 'node_modules/uplot/dist/uPlot.min.css')) }],
    ['/app.js', { type: 'text/javascript; charset=utf-8', body: bundles.app }],
    ['/worker.js', { type: 'text/javascript; charset=utf-8', body: bundles.worker }],
    ['/data/manifest.json', { type: 'application/json', body: JSON.stringify(manifest) }],
  ]);
  assets.set('/index.html', assets.get('/')!);

  const send = (res: ServerResponse, status: number, type: string, body: Buffer | string, head: boolean) => {
    res.writeHead(status, { ...ISOLATION_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(head ? undefined : body);
  };
  const notFound = (res: ServerResponse, head: boolean) => send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.writeHead(405, { ...ISOLATION_HEADERS, allow: 'GET, HEAD' }).end();
      return;
    }
    // Only origin-form targets ("/path?query"); the raw path is matched before any decoding.
    const target = req.url ?? '';
    if (!target.startsWith('/') || target.startsWith('//')) return notFound(res, head);
    const path = target.split(/[?#]/, 1)[0];
    const asset = assets.get(path);
    if (asset) return send(res, 200, asset.type, asset.body, head);
    const parts = path.split('/').slice(1);
    if (parts.length === 2 && parts[0] === 'data') {
      const name = segment(parts[1]);
      const file = name === null ? undefined : dataFiles.get(name);
      if (!file) return notFound(res, head);
      return send(res, 200, 'application/gzip', await readFile(file), head);
    }
    if (parts[0] === 'runs' && parts.length === 2 && parts[1] === '') {
      const listing: RunListing = runsDir ? await listRuns(runsDir) : { served: false, runs: [] };
      return send(res, 200, 'application/json', JSON.stringify(listing), head);
    }
    if (runsDir && parts[0] === 'runs') {
      if (parts.length === 3) {
        const run = segment(parts[1]);
        const name = segment(parts[2]);
        const file = run === null || name === null ? null : runFile(runsDir, run, name);
        if (!file) return notFound(res, head);
        return send(res, 200, name === 'model.json' ? 'application/json' : 'application/octet-stream', await readFile(file), head);
      }
    }
    return notFound(res, head);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `playground server: ${err.message}\n`, false);
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 8080, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    server,
    missingData: missing,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}

export function parsePlaygroundArgs(argv: string[]): PlaygroundServerOptions & { help: boolean } {
  const { values: a, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      data: { type: 'string' },
      runs: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0]}' (see --help)`);
  const port = Number(a.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer in 0..65535, got '${a.port}'`);
  return { host: a.host, port, dataDir: a.data, runsDir: a.runs ?? null, help: a.help ?? false };
}

async function main(argv: string[]): Promise<void> {
  const o = parsePlaygroundArgs(argv);
  if (o.help) {
    console.log(HELP.trimEnd());
    return;
  }
  const s = await startPlaygroundServer(o);
  console.log(`playground: serving ${s.url}  (Ctrl+C to stop)`);
  if (s.missingData.length) console.warn(`playground: warning: missing data files in ${resolve(o.dataDir ?? REPO_DATA_DIR)}: ${s.missingData.join(', ')}`);
  if (o.runsDir) console.log(`playground: models from ${resolve(o.runsDir)}/<run>/model/`);
  if (o.host !== '127.0.0.1' && o.host !== 'localhost') {
    console.warn(`playground: listening on ${o.host}: from another machine the page is not a secure context (no WebGPU, no SharedArrayBuffer) unless served through https`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`playground: ${e.message}`);
    process.exit(1);
  });
}
