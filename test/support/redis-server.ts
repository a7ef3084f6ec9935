import { ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../src/common/net/free-port';

/**
 * A real, throwaway redis-server (Debian's, installed by scripts/system-packages.sh) on a free
 * loopback port, without persistence: for tests of what instances share through Redis.
 */
export class RedisServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly exited: Promise<void>,
  ) {}

  static async start(binary = process.env.REDIS_SERVER ?? 'redis-server', readyTimeoutMs = 10_000): Promise<RedisServer> {
    const port = await freePort();
    const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`redis-server was not ready within ${readyTimeoutMs} ms:\n${log}`)), readyTimeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(error);
      };
      child.once('error', (error) => fail(new Error(`redis-server could not start (${error.message}): run npm run system:packages`)));
      const early = (code: number | null) => fail(new Error(`redis-server exited with ${code} before it was ready:\n${log}`));
      child.once('exit', early);
      child.stdout.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Ready to accept connections')) {
          clearTimeout(timer);
          child.off('exit', early);
          resolve();
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    });
    return new RedisServer(child, `redis://127.0.0.1:${port}`, exited);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
