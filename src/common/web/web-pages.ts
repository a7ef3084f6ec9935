import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The browser pages built by `npm run build` into dist/web (web/vite.config.ts): the dashboard at
 * /dashboard and GraphiQL on GET /graphql for a browser. Both are public, like any static file:
 * they hold no data, and every API call they make carries the user's token. Everything they load
 * comes from /dashboard/assets, which the Content-Security-Policy enforces.
 */
export function serveWebPages(app: NestExpressApplication, dir = join(projectRoot(), 'dist', 'web')): void {
  const dashboard = join(dir, 'index.html');
  const explorer = join(dir, 'graphiql', 'index.html');
  if (!existsSync(dashboard) || !existsSync(explorer)) {
    app.use('/dashboard', (_req: Request, res: Response) => void res.status(404).type('text').send('The dashboard is not built: run `npm run build`.\n'));
    return;
  }
  app.use('/dashboard', pageHeaders(DASHBOARD_CSP));
  app.useStaticAssets(dir, {
    prefix: '/dashboard',
    index: 'index.html',
    // File names under assets/ carry a content hash; a page itself is checked again on every load.
    setHeaders: (res: Response, path: string) => res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  // Before the token check on /graphql: a browser asking for a page gets GraphiQL; a GraphQL GET (with ?query=) goes on to Apollo.
  const explorerHeaders = pageHeaders(EXPLORER_CSP);
  app.use('/graphql', (req: Request, res: Response, next: NextFunction) => {
    if (
      req.method !== 'GET' ||
      req.query.query !== undefined ||
      req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html'
    )
      return next();
    explorerHeaders(req, res, () => res.setHeader('cache-control', 'no-cache').sendFile(explorer));
  });
}

const COMMON_CSP =
  "default-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const DASHBOARD_CSP = `${COMMON_CSP}; script-src 'self'; style-src 'self'`;
// GraphiQL's editor (Monaco) adds <style> elements at run time and runs its language services in workers.
const EXPLORER_CSP = `${COMMON_CSP}; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; worker-src 'self'`;

function pageHeaders(csp: string) {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('content-security-policy', csp);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    next();
  };
}

/** The folder holding package.json above this file (from src/ and from dist/src/ alike). */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}
