/**
 * Sizes of the browser pages built into dist/web (`npm run build` first), raw and gzip -9, as one
 * JSON object: for each page what its HTML loads at once (entry script, module preloads, styles),
 * and for the explorer also everything it can load later (Monaco's languages, workers, fonts).
 *
 *   npm run build && npm run bench:web
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = join(__dirname, '..', 'web');

function size(files: string[]) {
  const bodies = files.map((file) => readFileSync(join(DIST, file)));
  const kB = (n: number) => Math.round(n / 100) / 10;
  return {
    files: files.length,
    rawKB: kB(bodies.reduce((n, b) => n + b.length, 0)),
    gzipKB: kB(bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0)),
  };
}

/** The assets a page's HTML references, and the HTML itself. */
function initial(page: string): string[] {
  const html = readFileSync(join(DIST, page), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\/dashboard\/(assets\/[^"]+)"/g)].map((m) => m[1]);
  return [page, ...new Set(assets)];
}

const all = readdirSync(join(DIST, 'assets')).map((file) => join('assets', file));
const dashboard = initial('index.html');
const explorer = initial('graphiql/index.html');
console.log(
  JSON.stringify(
    {
      dashboard: { initial: size(dashboard), scripts: size(dashboard.filter((f) => f.endsWith('.js'))) },
      explorer: { initial: size(explorer), everything: size(['graphiql/index.html', ...all.filter((f) => !dashboard.includes(f) || explorer.includes(f))]) },
    },
    null,
    2,
  ),
);
