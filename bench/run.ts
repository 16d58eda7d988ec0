/**
 * `npm run bench`: the benchmark suites in headless Chrome (system Chromium via puppeteer-core),
 * a terminal table, and bench/results/<date>-<adapter>.json plus a self-contained HTML report.
 * `npm run bench:node` (--node): the same suites in Node, WebGPU through Dawn.
 * `--compare A.json B.json`: two result files side by side. `--serve`: serve the page for a person.
 *
 * Options (defaults are small: this machine's adapter is software):
 *   --suites kernels,matmul,step,inference,timeline   --backends webgpu,cpu,tfjs-webgpu,tfjs-cpu,tfjs-wasm
 *   --batches 1,32 (kernel suite; add 256)   --step-batches 32   --reps 3   --images 500   --infer-batch 250
 *   --sizes 64,128,256,512   --timeline-batch 32   --filter TEXT   --out DIR   --no-write
 *   --suites tune (not run by default): every variant of each tuned kernel at the shapes of a
 *   training step (--tune-batch 256), GFLOP/s per variant and the choice, and each conv kernel
 *   against the engine's matmul at the same GEMM shape
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compareText, reportHtml, textSummary } from './render.js';
import { parseParams, validateResults, type BenchParams, type BenchResults } from './suites.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    node: { type: 'boolean', default: false },
    compare: { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
    port: { type: 'string', default: '8080' },
    suites: { type: 'string' },
    backends: { type: 'string' },
    batches: { type: 'string' },
    'step-batches': { type: 'string' },
    reps: { type: 'string' },
    images: { type: 'string' },
    'infer-batch': { type: 'string' },
    sizes: { type: 'string' },
    'timeline-batch': { type: 'string' },
    'tune-batch': { type: 'string' },
    filter: { type: 'string' },
    out: { type: 'string', default: join(here, 'results') },
    'no-write': { type: 'boolean', default: false },
  },
});

if (args.compare) {
  if (positionals.length !== 2) throw new Error('usage: --compare A.json B.json');
  const [a, b] = positionals.map((p) => JSON.parse(readFileSync(p, 'utf8')) as BenchResults);
  console.log(compareText(a, b, positionals[0], positionals[1]));
  process.exit(0);
}

const query = new URLSearchParams();
const map: [keyof typeof args, string][] = [
  ['suites', 'suites'], ['backends', 'backends'], ['batches', 'batches'], ['step-batches', 'stepBatches'], ['reps', 'reps'],
  ['images', 'images'], ['infer-batch', 'inferBatch'], ['sizes', 'sizes'], ['timeline-batch', 'timelineBatch'], ['filter', 'filter'], ['tune-batch', 'tuneBatch'],
];
for (const [flag, key] of map) if (typeof args[flag] === 'string') query.set(key, args[flag] as string);
const params: BenchParams = parseParams((k) => query.get(k));

if (args.serve) {
  const { serveBenchPage } = await import('./browser.js');
  const s = await serveBenchPage(Number(args.port));
  console.log(`benchmark page: ${s.url}?${query.toString() || 'run=1'} (Ctrl-C to stop)`);
  await new Promise(() => {});
}

console.log(`suites ${params.suites.join(',')}; backends ${params.backends.join(',')}; kernel batches ${params.batches.join(',')}; step batches ${params.stepBatches.join(',')}; reps ${params.reps}`);
let res: BenchResults;
if (args.node) {
  const { runInNode } = await import('./node-suites.js');
  res = await runInNode(params, (l) => console.log(`  ${l}`));
  const { nodeDriver } = await import('../node/webgpu.js');
  console.log(`Node WebGPU driver: ${nodeDriver()?.name}; adapter: ${res.adapter?.name ?? 'none'}`);
} else {
  const { withBenchPage } = await import('./browser.js');
  res = await withBenchPage(async (page) => {
    const t = setInterval(() => {
      while (page.console.length) console.log(`  [page] ${page.console.shift()}`);
    }, 1000);
    try {
      return await page.run(query.toString());
    } finally {
      clearInterval(t);
      for (const e of page.pageErrors) console.log(`  [page error] ${e}`);
    }
  });
}
const problems = validateResults(res);
if (problems.length) console.log(`WARNING: malformed results: ${problems.join('; ')}`);
console.log();
console.log(textSummary(res));
if (!args['no-write']) {
  mkdirSync(args.out!, { recursive: true });
  const adapter = (res.adapter ? `${res.adapter.vendor}-${res.adapter.architecture}` : 'no-adapter').replace(/[^\w.-]+/g, '-').replace(/-+$/, '');
  const base = join(args.out!, `${res.date.slice(0, 19).replace(/:/g, '-')}-${res.environment}-${adapter}`);
  writeFileSync(`${base}.json`, JSON.stringify(res, null, 1));
  writeFileSync(`${base}.html`, reportHtml(res));
  console.log(`\nwrote ${base}.json and ${base}.html`);
}
process.exit(0);
