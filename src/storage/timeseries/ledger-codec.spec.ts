import { LedgerEntry } from './ingest-records';
import { decodeLedger, encodeLedger } from './ledger-codec';

const clean = (batchId: string, acceptedSamples: number): LedgerEntry => ({
  environment: 'prod',
  batchId,
  result: { acceptedSamples, rejectedSamples: 0, acceptedHeartbeats: 1, rejectedHeartbeats: 0, errors: [] },
});

describe('ledger codec', () => {
  it('round-trips entries with and without errors', () => {
    const entries: LedgerEntry[] = [
      clean('b-1', 10),
      {
        environment: 'lab "x"',
        batchId: '\u0000é',
        result: {
          acceptedSamples: 3,
          rejectedSamples: 2,
          acceptedHeartbeats: 0,
          rejectedHeartbeats: 1,
          errors: [{ path: 'series[0].timestamps[1]', code: 'OUT_OF_RANGE', message: 'too old' }],
        },
      },
    ];
    expect(decodeLedger(encodeLedger(entries))).toEqual(entries);
    expect(decodeLedger(encodeLedger([]))).toEqual([]);
  });

  it('reads the first format (entries as objects) as before', () => {
    const entries = [clean('old', 5)];
    expect(decodeLedger(Buffer.from(JSON.stringify(entries)))).toEqual(entries);
  });

  it('stores a clean entry with a UUID batchId in under a third of the first format', () => {
    const entries = Array.from({ length: 100 }, (_, i) => clean(`0d6b1c2e-5f0a-4c1b-9a7e-${String(i).padStart(12, '0')}`, 10));
    const rowBytes = encodeLedger(entries).length / 100;
    expect(rowBytes).toBeLessThan(60);
    expect(rowBytes * 3).toBeLessThan(JSON.stringify(entries).length / 100);
  });
});
