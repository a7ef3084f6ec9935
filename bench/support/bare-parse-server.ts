import { createServer } from 'node:http';

/**
 * The baseline of the ingest load benchmark: a bare node HTTP server that reads
 * each request body, JSON.parse-s it, counts the samples of its series and
 * answers a small JSON shaped like Vitals' ingestBatch answer. No validation,
 * no GraphQL, no storage: what any JSON-over-HTTP service must at least do.
 *
 * Run as a child process: PORT (required), HOST (127.0.0.1), MAX_REQUEST_BYTES.
 * Prints "listening <port>" on stdout when ready; exits on SIGTERM.
 */
const port = Number(process.env.PORT);
const host = process.env.HOST ?? '127.0.0.1';
const limit = Number(process.env.MAX_REQUEST_BYTES ?? 32 * 1024 * 1024);

interface Body {
  variables?: { b?: { series?: { values?: unknown[] }[] } };
}

const server = createServer((req, res) => {
  const answer = (status: number, payload: unknown) => {
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (req.method !== 'POST') {
    answer(200, { ok: true });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) return answer(413, { errors: [{ message: 'too large', extensions: { code: 'BAD_USER_INPUT' } }] });
    let body: Body;
    try {
      body = JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as Body;
    } catch {
      return answer(400, { errors: [{ message: 'not JSON', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    let samples = 0;
    for (const s of body.variables?.b?.series ?? []) samples += s.values?.length ?? 0;
    answer(200, { data: { ingestBatch: { acceptedSamples: samples, rejectedSamples: 0, duplicate: false } } });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => process.stdout.write(`listening ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
// Never outlive the benchmark (stdin is a pipe from it).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
