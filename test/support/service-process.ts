import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { freePort } from '../../src/common/net/free-port';

/** The project root, from test/support and from dist/test/support (a benchmark's build) alike. */
const ROOT = ((above) => (basename(above) === 'dist' ? dirname(above) : above))(resolve(__dirname, '..', '..'));
export const SERVICE_MAIN = join(ROOT, 'dist', 'src', 'main.js');

/**
 * Builds the service (`npm run build`) when dist/src/main.js is missing or older
 * than any file under src/, so a plain `npx jest` tests the current code.
 * Returns whether it built.
 */
export function ensureBuilt(log: (message: string) => void = () => undefined): boolean {
  const built = existsSync(SERVICE_MAIN) ? statSync(SERVICE_MAIN).mtimeMs : -Infinity;
  const newest = newestMtime(join(ROOT, 'src'));
  if (built >= newest) return false;
  log(existsSync(SERVICE_MAIN) ? 'dist/src/main.js is older than src/: running npm run build' : 'dist/src/main.js is missing: running npm run build');
  try {
    execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; status?: number };
    throw new Error(`npm run build failed (exit ${e.status}); fix the build or run it yourself:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: error });
  }
  if (!existsSync(SERVICE_MAIN)) throw new Error(`npm run build did not produce ${SERVICE_MAIN}`);
  return true;
}

function newestMtime(dir: string): number {
  let newest = -Infinity;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/**
 * The built service (dist/src/main.js) as a child process on a free loopback
 * port, its stdout and stderr appended to `logFile`. Unlike bench's
 * ServerProcess it can be killed hard (SIGKILL) and restarted on the same
 * DATA_DIR and database by passing the same env again.
 */
export class ServiceProcess {
  readonly exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly logFile: string,
  ) {
    this.exited = new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) done();
      else child.once('exit', () => done());
    });
  }

  /** Spawns the service and waits until /health/ready answers 200; on failure the child is killed. */
  static async start(env: Record<string, string>, logFile: string, readyTimeoutMs = 60_000): Promise<ServiceProcess> {
    const port = await freePort();
    const out = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [SERVICE_MAIN], {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', ...env, PORT: String(port) },
        stdio: ['ignore', out, out],
      });
    } finally {
      closeSync(out); // the child holds its own copy
    }
    const service = new ServiceProcess(child, `http://127.0.0.1:${port}`, logFile);
    try {
      await service.waitUntilReady(readyTimeoutMs);
    } catch (error) {
      await service.kill();
      throw error;
    }
    return service;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` (SIGKILL by default: a crash) and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running) this.child.kill(signal);
    await this.exited;
  }

  /** Graceful stop; SIGKILL when it takes longer than `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), timeoutMs)));
    const outcome = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') await this.kill('SIGKILL');
  }

  /** The last `chars` characters of the service's log, for failure messages. */
  logTail(chars = 4000): string {
    try {
      const text = readFileSync(this.logFile, 'utf8');
      return text.slice(-chars);
    } catch {
      return '';
    }
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(
          `service exited (code ${this.child.exitCode}, signal ${this.child.signalCode}) before it was ready; log ${this.logFile}:\n${this.logTail()}`,
        );
      }
      try {
        const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`service was not ready within ${timeoutMs} ms; log ${this.logFile}:\n${this.logTail()}`);
  }
}
