import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';

/**
 * Validates docker-compose.yml: the file parses (and `docker compose config` accepts it, where
 * Docker Compose is installed), only the app publishes a port, MongoDB and Redis require
 * authentication, and every password comes from the environment (`${VAR:?}`, no default).
 * Exits 1 listing every broken rule. Run by `npm run compose:check` and CI.
 */

interface Service {
  ports?: unknown[];
  environment?: Record<string, string> | string[];
  command?: string[] | string;
}

const ROOT = resolve(__dirname, '..', '..');
const FILE = join(ROOT, 'docker-compose.yml');
/** A required variable: compose refuses to run while it is unset. */
const REQUIRED = /^\$\{[A-Z0-9_]+:\?[^}]*\}$/;

export function composeProblems(text: string): string[] {
  const compose = load(text) as { services?: Record<string, Service> };
  const services = compose.services ?? {};
  const problems: string[] = [];
  const env = (name: string): Record<string, string> => {
    const e = services[name]?.environment ?? {};
    return Array.isArray(e) ? Object.fromEntries(e.map((kv): [string, string] => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)])) : e;
  };
  for (const [name, service] of Object.entries(services)) {
    if (name !== 'app' && (service.ports?.length ?? 0) > 0)
      problems.push(`services.${name} publishes ports ${JSON.stringify(service.ports)}: only the app may`);
  }
  if ((services.app?.ports?.length ?? 0) !== 1) problems.push('services.app must publish exactly its one port');
  if (services.mongo === undefined) problems.push('services.mongo is missing');
  else {
    const mongo = env('mongo');
    if (!REQUIRED.test(mongo.MONGO_INITDB_ROOT_PASSWORD ?? ''))
      problems.push('services.mongo: MONGO_INITDB_ROOT_PASSWORD must be a required variable (${VAR:?message})');
    if (!JSON.stringify(services.mongo.command ?? '').includes('--keyFile')) problems.push('services.mongo: a replica set with authentication needs --keyFile');
  }
  const uri = env('app').MONGODB_URI ?? '';
  if (!/^mongodb:\/\/(\$\{[^}]+\}|[^:@/$]+):\$\{[A-Z0-9_]+:\?[^}]*\}@/.test(uri))
    problems.push('services.app: MONGODB_URI must carry a user and a required password variable');
  if (services.redis !== undefined && !JSON.stringify(services.redis.command ?? '').includes('--requirepass'))
    problems.push('services.redis must run with --requirepass');
  return problems;
}

/** `docker compose config` (with placeholder passwords) when Compose is installed; undefined when it is not. */
function dockerComposeConfig(): string | undefined {
  const placeholders = { MONGO_ROOT_PASSWORD: 'x', VITALS_DB_PASSWORD: 'x', JWT_SECRET: 'x'.repeat(16) };
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  try {
    execFileSync('docker', ['compose', '-f', FILE, 'config', '--quiet'], { env: { ...placeholders, ...process.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    return 'ok';
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  }
}

if (require.main === module) {
  const problems = composeProblems(readFileSync(FILE, 'utf8'));
  const docker = dockerComposeConfig();
  if (docker !== undefined && docker !== 'ok') problems.push(`docker compose config: ${docker.trim()}`);
  if (problems.length > 0) {
    console.error(`docker-compose.yml:\n  - ${problems.join('\n  - ')}`);
    process.exit(1);
  }
  console.log(
    `docker-compose.yml: ok (${docker === undefined ? 'rules checked; Docker Compose not installed, so no `docker compose config`' : 'rules and docker compose config'})`,
  );
}
