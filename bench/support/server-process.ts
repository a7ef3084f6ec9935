import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sign } from 'jsonwebtoken';
import { freePort } from '../../src/common/net/free-port';

export const BENCH_SECRET = 'vitals-bench-secret-0123456789';

/** The built service (dist/) as a child process on a free port, with a fresh embedded database unless MONGODB_URI is set. */
export class ServerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** `logFile` receives the service's stdout (appended), e.g. to read its start-up lines. */
  static async start(env: Record<string, string> = {}, options: { logFile?: string } = {}): Promise<ServerProcess> {
    const port = await freePort();
    // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the service (not allowed in NODE_OPTIONS).
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, resolve(__dirname, '..', '..', 'src', 'main.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_SECRET: BENCH_SECRET,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'vitals-bench-')),
        ...env,
      },
      stdio: ['ignore', options.logFile !== undefined ? openSync(options.logFile, 'a') : process.env.BENCH_SERVER_LOG ? 'inherit' : 'ignore', 'inherit'],
    });
    const server = new ServerProcess(child, `http://127.0.0.1:${port}`);
    await server.waitUntilReady();
    return server;
  }

  token(roles: string[], environments = ['*']): string {
    return sign({ sub: 'bench', roles, environments }, BENCH_SECRET, { algorithm: 'HS256', expiresIn: '2h' });
  }

  /** CPU seconds (user + system) the server has used so far, and its children (the embedded database), from /proc. */
  cpuSeconds(): { server: number; database: number } {
    const pid = this.child.pid as number;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return { server: cpuOf(pid), database: children.reduce((sum, child) => sum + cpuOf(Number(child)), 0) };
  }

  /** Resident memory in bytes. */
  rssBytes(): number {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]) * 1024;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    await exited;
  }

  private async waitUntilReady(timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`server exited with ${this.child.exitCode}`);
      try {
        if ((await fetch(`${this.url}/health/ready`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('server did not become ready');
  }
}

export async function graphql(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Record<string, unknown>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
