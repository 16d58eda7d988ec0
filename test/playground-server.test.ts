/**
 * The playground server (playground/server.ts): it binds to 127.0.0.1, sends COOP/COEP on every
 * response, serves the page, the four data files and the runs' models, and nothing else: `..`,
 * encoded `%2e%2e`, encoded separators, backslashes, absolute paths, absolute-form targets and a
 * symlink out of the runs folder all answer 404 and never leak a byte of what lies outside.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_DATA_DIR } from '../model/data/fashion-mnist.js';
import { parsePlaygroundArgs, startPlaygroundServer, type PlaygroundServer } from '../playground/server.js';
import type { DataManifest, RunListing } from '../playground/protocol.js';

const SECRET = 'TOP-SECRET-0451';
const base = mkdtempSync(join(tmpdir(), 'playground-server-'));
const runs = join(base, 'runs');
const outside = join(base, 'outside');
let server: PlaygroundServer;
let port: number;

interface RawResponse { status: number; headers: Record<string, string>; body: Buffer }

/** Sends one request line verbatim (no client-side normalisation) and reads the whole answer. */
function raw(target: string, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, split).toString('latin1').split('\r\n');
      const status = Number(head[0].split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status, headers, body: all.subarray(split + 4) });
    });
  });
}

beforeAll(async () => {
  // A run with a model, a run that is a symlink to a folder outside, and a secret beside the runs.
  mkdirSync(join(runs, 'good', 'model'), { recursive: true });
  writeFileSync(join(runs, 'good', 'model', 'model.json'), '{"modelTopology":{},"weightsManifest":[]}');
  writeFileSync(join(runs, 'good', 'model', 'weights.bin'), Buffer.from([1, 2, 3, 4]));
  mkdirSync(join(outside, 'model'), { recursive: true });
  writeFileSync(join(outside, 'model', 'model.json'), SECRET);
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  writeFileSync(join(base, 'secret.txt'), SECRET);
  symlinkSync(outside, join(runs, 'escape'));
  symlinkSync(join(outside, 'secret.txt'), join(runs, 'good', 'model', 'leak.bin'));
  server = await startPlaygroundServer({ port: 0, runsDir: runs });
  port = server.server.address() && typeof server.server.address() === 'object' ? (server.server.address() as { port: number }).port : 0;
});

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('playground server', () => {
  it('binds to 127.0.0.1 by default and parses its options', () => {
    expect((server.server.address() as { address: string }).address).toBe('127.0.0.1');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(parsePlaygroundArgs([])).toMatchObject({ host: '127.0.0.1', port: 8080, runsDir: null });
    expect(parsePlaygroundArgs(['--host', '0.0.0.0', '--port', '0', '--runs', 'runs'])).toMatchObject({ host: '0.0.0.0', port: 0, runsDir: 'runs' });
    expect(() => parsePlaygroundArgs(['--port', 'http'])).toThrow(/--port must be an integer/);
  });

  it('serves the page, the bundles and the data with COOP/COEP headers', async () => {
    for (const [path, type] of [['/', 'text/html'], ['/app.js', 'text/javascript'], ['/worker.js', 'text/javascript'], ['/style.css', 'text/css'], ['/uplot.css', 'text/css']]) {
      const r = await raw(path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type']).toContain(type);
      expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    }
    const manifest = JSON.parse((await raw('/data/manifest.json')).body.toString()) as DataManifest;
    expect(manifest.files.map((f) => f.name).sort()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
    expect(manifest.files.every((f) => f.present)).toBe(true);
    expect(manifest.classNames).toHaveLength(10);
    const labels = await raw('/data/t10k-labels-idx1-ubyte.gz');
    expect(labels.status).toBe(200);
    expect(labels.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(labels.body.equals(readFileSync(join(REPO_DATA_DIR, 't10k-labels-idx1-ubyte.gz')))).toBe(true);
    expect((await raw('/', 'POST')).status).toBe(405);
    expect((await raw('/', 'HEAD')).body.length).toBe(0);
  });

  it('lists and serves the models under --runs, and only them', async () => {
    const listing = JSON.parse((await raw('/runs/')).body.toString()) as RunListing;
    expect(listing.served).toBe(true);
    expect(listing.runs.map((r) => r.name)).toEqual(['good']); // 'escape' leads outside the folder
    expect((await raw('/runs/good/model.json')).status).toBe(200);
    const w = await raw('/runs/good/weights.bin');
    expect(w.status).toBe(200);
    expect([...w.body]).toEqual([1, 2, 3, 4]);
  });

  it('never reads outside the files it serves: .., %2e%2e, encoded separators, absolute paths, symlinks', async () => {
    const attacks = [
      '/../package.json', '/../../etc/passwd', '/..%2fpackage.json', '/%2e%2e/package.json', '/%2E%2E/%2E%2E/etc/passwd',
      '/.%2e/package.json', '/data/../../package.json', '/data/%2e%2e/%2e%2e/package.json', '/data/..%2f..%2fpackage.json',
      '/data/%2e%2e%2f%2e%2e%2fpackage.json', '/data/..\\..\\package.json', '/data/..%5c..%5cpackage.json',
      '/data/%252e%252e%252fpackage.json', '/data/%2fetc%2fpasswd', '/data//etc/passwd', '/data/LICENSE',
      '/data/train-images-idx3-ubyte', '//etc/passwd', '/etc/passwd', `/${base.slice(1)}/secret.txt`, `/${join(outside, 'secret.txt').slice(1)}`,
      'http://127.0.0.1/etc/passwd', `http://127.0.0.1:${port}/../package.json`, '/package.json', '/playground/server.ts', '/model/cnn.ts',
      '/node_modules/uplot/package.json', '/runs/../../package.json', '/runs/%2e%2e/secret.txt', '/runs/%2e%2e/outside/model.json',
      '/runs/escape/model.json', '/runs/escape/secret.txt', '/runs/good/..%2f..%2f..%2fsecret.txt', '/runs/good/%2e%2e',
      '/runs/good/leak.bin', '/runs/good/model.json%00.bin', '/runs/good/%2e%2e%2f%2e%2e%2fmodel.json', '/runs/.%2e/secret.txt',
      `/runs/${encodeURIComponent(base)}/secret.txt`, '/data/%E0%A4%A', '/app.js/../../package.json',
    ];
    const pkg = readFileSync('package.json', 'utf8').slice(0, 40);
    for (const target of attacks) {
      const r = await raw(target);
      const body = r.body.toString('latin1');
      expect(r.status, target).not.toBe(200);
      expect([400, 404], target).toContain(r.status);
      expect(body, target).not.toContain(SECRET);
      expect(body, target).not.toContain(pkg);
      expect(body, target).not.toMatch(/root:.*:0:0:/);
    }
  });

  it('marks missing data files in the manifest', async () => {
    const dir = join(base, 'data-partial');
    mkdirSync(dir);
    copyFileSync(join(REPO_DATA_DIR, 't10k-labels-idx1-ubyte.gz'), join(dir, 't10k-labels-idx1-ubyte.gz'));
    const s = await startPlaygroundServer({ port: 0, dataDir: dir });
    try {
      expect(s.missingData.sort()).toEqual(['t10k-images-idx3-ubyte.gz', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
      const res = await fetch(`${s.url}data/manifest.json`);
      const manifest = (await res.json()) as DataManifest;
      expect(manifest.files.filter((f) => f.present).map((f) => f.name)).toEqual(['t10k-labels-idx1-ubyte.gz']);
      expect((await fetch(`${s.url}data/train-images-idx3-ubyte.gz`)).status).toBe(404);
      expect(((await (await fetch(`${s.url}runs/`)).json()) as RunListing).served).toBe(false);
    } finally {
      await s.close();
    }
    await expect(startPlaygroundServer({ port: 0, runsDir: join(base, 'no-such-folder') })).rejects.toThrow(/--runs .* is not a folder/);
  });
});
