import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { waitFor } from './test-app';

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A local HTTP server standing in for webhook and Slack receivers: records every request, and can be told to answer
 * the next requests with an error status or to never answer (to test timeouts).
 */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private failures: number[] = [];
  private hangPaths = new Set<string>();
  private readonly sockets = new Set<Socket>();
  private readonly hanging: ServerResponse[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(): Promise<HttpReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new HttpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => receiver.handle(req, res));
    return receiver;
  }

  /** The next `count` requests are answered with `status`. */
  failNext(count: number, status = 500): void {
    this.failures.push(...Array.from({ length: count }, () => status));
  }

  /** Requests to `path` are read and never answered. */
  hang(path: string): void {
    this.hangPaths.add(path);
  }

  on(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async waitForRequests(path: string, count: number, timeoutMs = 5_000): Promise<ReceivedRequest[]> {
    await waitFor(() => this.on(path).length >= count, `${count} request(s) on ${path}`, timeoutMs);
    return this.on(path);
  }

  reset(): void {
    this.requests.length = 0;
    this.failures = [];
    this.hangPaths.clear();
    this.hanging.splice(0).forEach((res) => res.destroy());
  }

  async stop(): Promise<void> {
    this.sockets.forEach((s) => s.destroy());
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      this.requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (this.hangPaths.has(path)) {
        this.hanging.push(res);
        return;
      }
      const status = this.failures.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver failure');
    });
  }
}
