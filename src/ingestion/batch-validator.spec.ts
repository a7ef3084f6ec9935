import { BatchValidator } from './batch-validator';
import { BatchRejected } from './ingestion.errors';

const NOW = 1_800_000_000_000;
const validator = new BatchValidator({ maxItems: 10, maxSamples: 100, maxPastMs: 3_600_000, maxFutureMs: 600_000, maxErrors: 3 });

describe('BatchValidator', () => {
  it('keeps valid samples of a series and rejects only the bad ones, by path', () => {
    const result = validator.validate(
      { environment: 'prod', series: [{ agentId: 'a', metric: 'cpu', timestamps: [NOW, NOW - 7_200_000, NOW + 1], values: [1, 2, Infinity] }] },
      NOW,
    );
    expect(result.series).toEqual([{ agentId: 'a', metric: 'cpu', labels: [], timestamps: [NOW], values: [1] }]);
    expect(result).toMatchObject({ acceptedSamples: 1, rejectedSamples: 2 });
    expect(result.errors.map((e) => [e.path, e.code])).toEqual([
      ['series[0].timestamps[1]', 'TIMESTAMP_OUT_OF_RANGE'],
      ['series[0].values[2]', 'NOT_FINITE'],
    ]);
  });

  it('groups row samples of one series (same agent, metric and labels in any order) with columnar ones', () => {
    const result = validator.validate(
      {
        environment: 'prod',
        series: [
          {
            agentId: 'a',
            metric: 'cpu',
            labels: [
              { name: 'core', value: '0' },
              { name: 'az', value: 'x' },
            ],
            timestamps: [NOW],
            values: [1],
          },
        ],
        samples: [
          {
            agentId: 'a',
            metric: 'cpu',
            value: 2,
            labels: [
              { name: 'az', value: 'x' },
              { name: 'core', value: '0' },
            ],
          },
          { agentId: 'a', metric: 'cpu', value: 3, timestamp: NOW - 5 },
        ],
      },
      NOW,
    );
    expect(result.series).toEqual([
      {
        agentId: 'a',
        metric: 'cpu',
        labels: [
          { name: 'az', value: 'x' },
          { name: 'core', value: '0' },
        ],
        timestamps: [NOW, NOW],
        values: [1, 2],
      },
      { agentId: 'a', metric: 'cpu', labels: [], timestamps: [NOW - 5], values: [3] },
    ]);
  });

  it('rejects a whole series whose arrays differ in length', () => {
    const result = validator.validate({ environment: 'prod', series: [{ agentId: 'a', metric: 'cpu', timestamps: [NOW], values: [1, 2] }] }, NOW);
    expect(result).toMatchObject({ acceptedSamples: 0, rejectedSamples: 2, series: [] });
    expect(result.errors[0]).toMatchObject({ path: 'series[0]', code: 'LENGTH_MISMATCH' });
  });

  it.each([
    [{ agentId: 'a', metric: 'x y', value: 1 }, 'samples[0].metric', 'INVALID_NAME'],
    [{ agentId: 'a'.repeat(129), metric: 'm', value: 1 }, 'samples[0].agentId', 'INVALID_ID'],
    [{ agentId: 'a\u0000b', metric: 'm', value: 1 }, 'samples[0].agentId', 'INVALID_ID'],
    [{ agentId: 'a', metric: 'm', value: 1, labels: [{ name: '$where', value: 'v' }] }, 'samples[0].labels[0].name', 'INVALID_NAME'],
    [
      {
        agentId: 'a',
        metric: 'm',
        value: 1,
        labels: [
          { name: 'k', value: 'v' },
          { name: 'k', value: 'w' },
        ],
      },
      'samples[0].labels[1].name',
      'DUPLICATE_LABEL',
    ],
    [{ agentId: 'a', metric: 'm', value: 1, labels: [{ name: 'k', value: 'v'.repeat(257) }] }, 'samples[0].labels[0].value', 'TOO_LONG'],
    [{ agentId: 'a', metric: 'm', value: NaN }, 'samples[0].value', 'NOT_FINITE'],
  ])('rejects sample %j at %s with %s', (sample, path, code) => {
    const result = validator.validate({ environment: 'prod', samples: [sample] }, NOW);
    expect(result.errors).toEqual([expect.objectContaining({ path, code })]);
    expect(result.rejectedSamples).toBe(1);
  });

  it.each([
    [{ agentId: 'h', intervalSeconds: 61 }, 'heartbeats[0].intervalSeconds', 'OUT_OF_RANGE'],
    [{ agentId: 'h', cpu: 101 }, 'heartbeats[0].cpu', 'OUT_OF_RANGE'],
    [{ agentId: 'h', status: 'fine' }, 'heartbeats[0].status', 'INVALID_VALUE'],
    [{ agentId: 'h', timestamp: NOW + 3_600_000 }, 'heartbeats[0].timestamp', 'TIMESTAMP_OUT_OF_RANGE'],
  ])('rejects heartbeat %j at %s with %s', (heartbeat, path, code) => {
    const result = validator.validate({ environment: 'prod', heartbeats: [heartbeat] }, NOW);
    expect(result).toMatchObject({ heartbeats: [], rejectedHeartbeats: 1, errors: [expect.objectContaining({ path, code })] });
  });

  it('refuses items for agents the token does not name', () => {
    const result = validator.validate({ environment: 'prod', samples: [{ agentId: 'other', metric: 'm', value: 1 }] }, NOW, (id) => id === 'mine');
    expect(result.errors[0]).toMatchObject({ path: 'samples[0].agentId', code: 'FORBIDDEN' });
  });

  it('lists at most maxErrors errors and says how many more there were', () => {
    const samples = Array.from({ length: 5 }, () => ({ agentId: 'a', metric: 'm', value: NaN }));
    const result = validator.validate({ environment: 'prod', samples }, NOW);
    expect(result.rejectedSamples).toBe(5);
    expect(result.errors).toHaveLength(4);
    expect(result.errors[3]).toEqual({ path: 'batch', code: 'TOO_MANY_ERRORS', message: '2 more errors were not listed' });
  });

  it.each([
    [{ environment: 'bad env' }, 'environment'],
    [{ environment: 'prod', batchId: 'x'.repeat(129) }, 'batchId'],
    [{ environment: 'prod', heartbeats: Array.from({ length: 11 }, () => ({ agentId: 'a' })) }, 'batch'],
    [{ environment: 'prod', series: [{ agentId: 'a', metric: 'm', timestamps: [], values: new Array(101).fill(1) }] }, 'batch'],
  ])('refuses a whole batch %#', (batch, path) => {
    expect(() => validator.validate(batch, NOW)).toThrow(BatchRejected);
    try {
      validator.validate(batch, NOW);
    } catch (error) {
      expect((error as BatchRejected).path).toBe(path);
    }
  });

  it('names a refused field from the batch argument, and the batch itself as just "batch"', () => {
    const argumentPath = (batch: Parameters<typeof validator.validate>[0]) => {
      try {
        validator.validate(batch, NOW);
      } catch (error) {
        return (error as BatchRejected).extensions.argumentPath;
      }
    };
    expect(argumentPath({ environment: 'bad env' })).toBe('batch.environment');
    expect(argumentPath({ environment: 'prod', heartbeats: Array.from({ length: 11 }, () => ({ agentId: 'a' })) })).toBe('batch');
  });
});
