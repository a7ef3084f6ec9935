import { isPlainTelemetryBatch } from './batch-shape';
import { IngestOperationMatcher, MAX_INGEST_QUERY_CHARS, projectResult } from './ingest-operation';

const result = {
  batchId: 'b1',
  acceptedSamples: 3,
  rejectedSamples: 1,
  acceptedHeartbeats: 0,
  rejectedHeartbeats: 0,
  duplicate: false,
  errors: [{ path: 'series[0].values[1]', code: 'NOT_FINITE', message: 'm' }],
};

describe('IngestOperationMatcher', () => {
  const matcher = new IngestOperationMatcher();

  it('recognises a plain ingestBatch and answers its selection, aliases and __typename included', () => {
    const op = matcher.match(
      'mutation Send($b: TelemetryBatchInput!) { sent: ingestBatch(batch: $b) { n: acceptedSamples duplicate __typename errors { path kind: code } } }',
    );
    expect(op).toMatchObject({ variable: 'b', operationName: 'Send', responseKey: 'sent' });
    expect(projectResult(op!, result)).toEqual({
      sent: { n: 3, duplicate: false, __typename: 'IngestResult', errors: [{ path: 'series[0].values[1]', kind: 'NOT_FINITE' }] },
    });
  });

  it.each([
    ['a query', 'query($b: TelemetryBatchInput!) { ingestBatch(batch: $b) { duplicate } }'],
    ['a literal batch', 'mutation { ingestBatch(batch: { environment: "e" }) { duplicate } }'],
    ['a fragment', 'mutation($b: TelemetryBatchInput!) { ingestBatch(batch: $b) { ...F } } fragment F on IngestResult { duplicate }'],
    ['a directive', 'mutation($b: TelemetryBatchInput!) { ingestBatch(batch: $b) { duplicate @include(if: true) } }'],
    ['two fields', 'mutation($b: TelemetryBatchInput!) { a: ingestBatch(batch: $b) { duplicate } b: ingestBatch(batch: $b) { duplicate } }'],
    ['an unknown field', 'mutation($b: TelemetryBatchInput!) { ingestBatch(batch: $b) { nope } }'],
    ['a nullable variable', 'mutation($b: TelemetryBatchInput) { ingestBatch(batch: $b) { duplicate } }'],
    ['errors without a selection', 'mutation($b: TelemetryBatchInput!) { ingestBatch(batch: $b) { errors } }'],
    ['a syntax error', 'mutation($b: TelemetryBatchInput!) { ingestBatch(batch: $b) { duplicate }'],
  ])('leaves %s to Apollo', (_, query) => {
    expect(matcher.match(query)).toBeUndefined();
  });

  it('leaves texts over MAX_INGEST_QUERY_CHARS to Apollo, and remembers documents within its byte bound', () => {
    const plain = 'mutation($b: TelemetryBatchInput!) { ingestBatch(batch: $b) { duplicate } }';
    expect(matcher.match(plain + ' '.repeat(MAX_INGEST_QUERY_CHARS - plain.length))).toBeDefined();
    expect(matcher.match(plain + ' '.repeat(MAX_INGEST_QUERY_CHARS - plain.length + 1))).toBeUndefined();
    const small = new IngestOperationMatcher({ maxEntries: 1000, maxBytes: 64 * 1024 });
    for (let i = 0; i < 1000; i++) small.match(`${plain} # ${i} ${'x'.repeat(3000)}`);
    expect(small.cachedBytes).toBeLessThanOrEqual(64 * 1024);
    expect(small.cachedBytes).toBeGreaterThan(0);
  });
});

describe('isPlainTelemetryBatch', () => {
  const series = { agentId: 'a', metric: 'm', timestamps: [1, 2], values: [0.5, 1] };

  it('accepts well-typed batches', () => {
    expect(
      isPlainTelemetryBatch({
        environment: 'e',
        batchId: 'x',
        series: [series],
        heartbeats: [{ agentId: 'a', intervalSeconds: 10, labels: [{ name: 'n', value: 'v' }] }],
        samples: [{ agentId: 'a', metric: 'm', value: 1, timestamp: null }],
      }),
    ).toBe(true);
    expect(isPlainTelemetryBatch({ environment: 'e', series: null })).toBe(true);
  });

  it.each([
    ['no environment', { series: [series] }],
    ['an unknown key', { environment: 'e', extra: 1 }],
    ['an integer batchId (GraphQL would coerce it)', { environment: 'e', batchId: 7 }],
    ['a string in a number list', { environment: 'e', series: [{ ...series, values: [1, '2'] }] }],
    ['a null sample', { environment: 'e', series: [{ ...series, values: [1, null] }] }],
    ['a single value for a list', { environment: 'e', series: [{ ...series, timestamps: 1 }] }],
    ['a fractional interval', { environment: 'e', heartbeats: [{ agentId: 'a', intervalSeconds: 1.5 }] }],
    ['a label without a value', { environment: 'e', heartbeats: [{ agentId: 'a', labels: [{ name: 'n' }] }] }],
  ])('refuses %s (Apollo answers with the coercion error)', (_, batch) => {
    expect(isPlainTelemetryBatch(batch)).toBe(false);
  });
});
