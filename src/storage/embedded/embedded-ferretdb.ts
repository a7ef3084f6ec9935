import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../common/net/free-port';

const execFileAsync = promisify(execFile);

/** Where the project is: the nearest folder above this file holding package.json and tools/. */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'tools', 'ferretdb', 'go.mod'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find tools/ferretdb above ${from}`);
    dir = parent;
  }
  return dir;
}

export class EmbeddedDatabaseError extends Error {}

const HOW_TO_AVOID =
  'Set MONGODB_URI to use a MongoDB server instead, e.g. `docker compose up -d mongo` and ' +
  'MONGODB_URI=mongodb://localhost:27017/?replicaSet=rs0&directConnection=true';

/**
 * Builds (once) the vitals-ferretdb binary from tools/ferretdb with the Go module
 * tooling: FerretDB 1.24.2, SQLite backend. Rebuilds when its sources are newer.
 */
export async function ensureFerretDbBinary(root = projectRoot(), log: (message: string) => void = () => {}): Promise<string> {
  const sourceDir = join(root, 'tools', 'ferretdb');
  const binary = join(root, '.tools', 'bin', 'vitals-ferretdb');
  const sourcesTime = Math.max(...['main.go', 'go.mod', 'go.sum'].map((f) => statSync(join(sourceDir, f)).mtimeMs));
  if (existsSync(binary) && statSync(binary).mtimeMs >= sourcesTime) return binary;

  mkdirSync(dirname(binary), { recursive: true });
  log('Building the embedded database from tools/ferretdb with `go build` (first run only; a few minutes)');
  try {
    await execFileAsync('go', ['build', '-o', binary, '.'], {
      cwd: sourceDir,
      env: { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    const why = e.code === 'ENOENT' ? 'the Go toolchain (`go`) is not installed' : `go build failed: ${(e.stderr ?? e.message).trim()}`;
    throw new EmbeddedDatabaseError(`Cannot build the embedded database (FerretDB 1.24.2 in tools/ferretdb): ${why}. ${HOW_TO_AVOID}`);
  }
  return binary;
}

export interface RunningDatabase {
  uri: string;
  stop(): Promise<void>;
}

/**
 * Starts FerretDB on a free loopback port with its SQLite files under dataDir.
 * The child exits when our stdin pipe closes, so it dies with this process.
 */
export async function startEmbeddedFerretDb(
  dataDir: string,
  log: (message: string) => void = () => {},
  root = projectRoot(),
): Promise<RunningDatabase> {
  const binary = await ensureFerretDbBinary(root, log);
  const dir = resolve(dataDir, 'ferretdb');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child = spawn(binary, ['--listen-addr', `127.0.0.1:${port}`, '--data-dir', dir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const uri = await waitUntilReady(child);
  return { uri, stop: () => stopChild(child) };
}

function waitUntilReady(child: ChildProcess, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let stderr = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new EmbeddedDatabaseError(`Embedded FerretDB did not start: ${why}${stderr ? `\n${stderr.trim()}` : ''}. ${HOW_TO_AVOID}`));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited with ${signal ?? code}`));
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /^ready (\S+)/m.exec(chunk.toString());
      if (match === null) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolvePromise(match[1]);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
