import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../../src/common/net/free-port';
import { procCpuSeconds, procRssBytes } from './proc-stats';

/** bare-parse-server.js (the baseline of the ingest load benchmark) as a child process on a free port. */
export class BareParseProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<BareParseProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [resolve(__dirname, 'bare-parse-server.js')], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const server = new BareParseProcess(child, `http://127.0.0.1:${port}`);
    await new Promise<void>((ready, failed) => {
      const timer = setTimeout(() => failed(new Error('bare parse server did not start')), 30_000);
      child.once('exit', (code) => failed(new Error(`bare parse server exited with ${code}`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('listening')) {
          clearTimeout(timer);
          ready();
        }
      });
    });
    return server;
  }

  cpuSeconds(): number {
    return procCpuSeconds(this.child.pid as number);
  }

  rssBytes(): number {
    return procRssBytes(this.child.pid as number);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
