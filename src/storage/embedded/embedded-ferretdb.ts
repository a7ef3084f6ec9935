import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../common/net/free-port';

const execFileAsync = promisify(execFile);

/** Where the project is: the nearest folder above this file holding tools/ferretdb (from src/ and from dist/ alike). */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'tools', 'ferretdb', 'go.mod'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find tools/ferretdb above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export class EmbeddedDatabaseError extends Error {}

const HOW_TO_AVOID =
  'Set MONGODB_URI to use a MongoDB server instead, e.g. `docker compose up -d mongo` and ' +
  'MONGODB_URI=mongodb://localhost:27017/?replicaSet=rs0&directConnection=true';

const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB@v1.24.2';

/** Text replacements in FerretDB's source, each of one place that must be found. */
const PATCHES = [
  /**
   * FerretDB 1.24.2 looks documents up by `_ferretdb_sjson->'$._id'` while its unique
   * index is on `_ferretdb_sjson->"_id"`; SQLite matches index expressions by their
   * text, so every `_id` lookup, update and delete scanned the whole table (45 ms at
   * 40 MB, growing with it). The build rewrites that one constant to the index's form.
   */
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: 'IDColumn = DefaultColumn + `->"_id"`',
  },
  /**
   * Binary fields (every part, log and catalog blob) as Ascii85 instead of base64 JSON strings:
   * 1.25 bytes of text a byte instead of 1.33 (tools/ferretdb/patches/sjson_dense_binary.go.txt,
   * copied into the package). Base64 values written before still read.
   */
  { file: 'internal/handler/sjson/binary.go', from: 'res, err := json.Marshal(bin.B)', to: 'res, err := json.Marshal(encodeDenseBinary(bin.B))' },
  {
    file: 'internal/handler/sjson/binary.go',
    from: 'var o []byte\n\n\terr := dec.Decode(&o)\n\tif err != nil {\n\t\treturn lazyerrors.Error(err)\n\t}',
    to: 'var s string\n\n\terr := dec.Decode(&s)\n\tif err != nil {\n\t\treturn lazyerrors.Error(err)\n\t}\n\n\to, err := decodeBinaryString(s)\n\tif err != nil {\n\t\treturn lazyerrors.Error(err)\n\t}',
  },
  /**
   * FerretDB drops a collection by dropping its table and never vacuums: the file kept every
   * dropped write-ahead-log generation's pages (about a third of the file after an hour of
   * ingest). After each drop and delete, the free pages go back to the file system in short steps
   * (tools/ferretdb/patches/sqlite_free_pages.go.txt; the databases are auto_vacuum(incremental),
   * tools/ferretdb/main.go).
   */
  {
    file: 'internal/backends/sqlite/metadata/registry.go',
    from: 'q = fmt.Sprintf("DROP TABLE %q", c.TableName)\n\tif _, err := db.ExecContext(ctx, q); err != nil {\n\t\treturn false, lazyerrors.Error(err)\n\t}\n',
    to: 'q = fmt.Sprintf("DROP TABLE %q", c.TableName)\n\tif _, err := db.ExecContext(ctx, q); err != nil {\n\t\treturn false, lazyerrors.Error(err)\n\t}\n\n\tr.FreePages(db)\n',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: 'res, err := db.ExecContext(ctx, q, args...)\n\tif err != nil {\n\t\treturn nil, lazyerrors.Error(err)\n\t}\n',
    to: 'res, err := db.ExecContext(ctx, q, args...)\n\tif err != nil {\n\t\treturn nil, lazyerrors.Error(err)\n\t}\n\n\tc.r.FreePages(db)\n',
  },
];
/** Go files copied into FerretDB's packages: [file under tools/ferretdb/patches, destination in the module]. */
const ADDED_FILES = [
  ['sjson_dense_binary.go.txt', 'internal/handler/sjson/vitals_dense_binary.go'],
  ['sqlite_free_pages.go.txt', 'internal/backends/sqlite/metadata/vitals_free_pages.go'],
];

/**
 * Builds (once) the vitals-ferretdb binary from tools/ferretdb with the Go module
 * tooling: FerretDB 1.24.2 with PATCHES and ADDED_FILES, SQLite backend. Rebuilds when its
 * sources (and this build's patches) are newer.
 */
export async function ensureFerretDbBinary(root = projectRoot(), log: (message: string) => void = () => {}): Promise<string> {
  const sourceDir = join(root, 'tools', 'ferretdb');
  const binary = join(root, '.tools', 'bin', 'vitals-ferretdb');
  const sources = [...['main.go', 'go.mod', 'go.sum'].map((f) => join(sourceDir, f)), ...ADDED_FILES.map(([f]) => join(sourceDir, 'patches', f))];
  const sourcesTime = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  // The patches live in this file, whose build is newer at every build: a stamp beside the binary names the ones it has.
  const stamp = join(root, '.tools', 'bin', 'vitals-ferretdb.patches');
  const patches = JSON.stringify(PATCHES);
  const stamped = existsSync(stamp) && readFileSync(stamp, 'utf8') === patches;
  if (existsSync(binary) && stamped && statSync(binary).mtimeMs >= sourcesTime) return binary;

  mkdirSync(dirname(binary), { recursive: true });
  log('Building the embedded database from tools/ferretdb with `go build` (first run only; a few minutes)');
  const go = (args: string[], cwd = sourceDir) =>
    execFileAsync('go', args, { cwd, env: { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' }, maxBuffer: 16 * 1024 * 1024 });
  try {
    const buildDir = join(root, '.tools', 'ferretdb-build');
    const patchedModule = await patchedFerretDbSource(sourceDir, buildDir, go);
    // A copy of go.mod that points the module at the patched source; tools/ stays untouched.
    const modFile = join(buildDir, 'go.mod');
    writeFileSync(modFile, `${readFileSync(join(sourceDir, 'go.mod'), 'utf8')}\nreplace github.com/FerretDB/FerretDB => ${patchedModule}\n`);
    copyFileSync(join(sourceDir, 'go.sum'), join(buildDir, 'go.sum'));
    await go(['build', `-modfile=${modFile}`, '-o', binary, '.']);
    writeFileSync(stamp, patches);
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    const why = e.code === 'ENOENT' ? 'the Go toolchain (`go`) is not installed' : `go build failed: ${(e.stderr ?? e.message).trim()}`;
    throw new EmbeddedDatabaseError(`Cannot build the embedded database (FerretDB 1.24.2 in tools/ferretdb): ${why}. ${HOW_TO_AVOID}`);
  }
  return binary;
}

/** Copies FerretDB's module source out of the Go module cache and applies PATCHES and ADDED_FILES; returns the copy's path. */
async function patchedFerretDbSource(sourceDir: string, buildDir: string, go: (args: string[]) => Promise<{ stdout: string }>): Promise<string> {
  const { stdout } = await go(['mod', 'download', '-json', FERRETDB_MODULE]);
  const moduleDir = (JSON.parse(stdout) as { Dir: string }).Dir;
  const copy = join(buildDir, 'FerretDB');
  if (existsSync(copy)) makeWritable(copy);
  rmSync(copy, { recursive: true, force: true });
  cpSync(moduleDir, copy, { recursive: true });
  makeWritable(copy); // the module cache is read-only, and so is a copy of it
  for (const patch of PATCHES) {
    const file = join(copy, patch.file);
    const source = readFileSync(file, 'utf8');
    if (!source.includes(patch.from)) throw new Error(`${patch.file} no longer holds the text to patch: ${patch.from.split('\n')[0]}`);
    writeFileSync(file, source.replace(patch.from, patch.to));
  }
  for (const [from, to] of ADDED_FILES) copyFileSync(join(sourceDir, 'patches', from), join(copy, to));
  return copy;
}

function makeWritable(path: string): void {
  const isDirectory = statSync(path).isDirectory();
  chmodSync(path, isDirectory ? 0o755 : 0o644);
  if (isDirectory) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

export interface RunningDatabase {
  uri: string;
  stop(): Promise<void>;
  /** SIGKILL, a crash: for tests of database outages. */
  kill(): Promise<void>;
}

/**
 * Starts FerretDB on a loopback port (a free one unless given: a restart on the same port and
 * dataDir is the same server again) with its SQLite files under dataDir.
 * The child exits when our stdin pipe closes, so it dies with this process.
 */
export async function startEmbeddedFerretDb(dataDir: string, log: (message: string) => void = () => {}, port?: number): Promise<RunningDatabase> {
  const binary = await ensureFerretDbBinary(projectRoot(), log);
  const dir = resolve(dataDir, 'ferretdb');
  mkdirSync(dir, { recursive: true });
  port ??= await freePort();
  const child = spawn(binary, ['--listen-addr', `127.0.0.1:${port}`, '--data-dir', dir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const uri = await waitUntilReady(child);
  return {
    uri,
    stop: () => stopChild(child),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGKILL');
      await exited;
    },
  };
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
