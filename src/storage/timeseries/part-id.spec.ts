import { manifestId, pageId, pageIds, partId, tierOfId } from './part-id';

describe('manifestId and pageIds', () => {
  it('names a manifest by tier, environment, metric and period', () => {
    expect(manifestId('1h', 'prod', 'cpu', 86_400_000)).toBe('1h|prod|cpu|86400000');
    expect(manifestId('raw', 'prod', 'cpu', 0)).not.toBe(manifestId('1m', 'prod', 'cpu', 0));
  });

  it('lists one page id per page of a part', () => {
    expect(pageIds({ id: 'p', pages: 3 })).toEqual(['p#0', 'p#1', 'p#2']);
    expect(pageIds({ id: 'q', pages: 1 })).toEqual(['q#0']);
    expect(pageId('p', 2)).toBe('p#2');
  });
});

describe('partId', () => {
  it('extends the manifest id with where the part came from', () => {
    expect(partId('raw', 'prod', 'cpu', 3_600_000, { checkpoint: 7 })).toBe('raw|prod|cpu|3600000|g7');
    expect(partId('1h', 'prod', 'cpu', 0, { rollupOf: ['b', 'a'] })).toMatch(/^1h\|prod\|cpu\|0\|r[\w-]{16}$/);
    expect(partId('1m', 'prod', 'cpu', 0, { compactionOf: ['a', 'b'] })).toMatch(/^1m\|prod\|cpu\|0\|c[\w-]{16}$/);
  });

  it('names a rollup or a compaction by its source parts, in any order', () => {
    const rollup = partId('1h', 'prod', 'cpu', 0, { rollupOf: ['a', 'b'] });
    expect(partId('1h', 'prod', 'cpu', 0, { rollupOf: ['b', 'a'] })).toBe(rollup);
    expect(partId('1h', 'prod', 'cpu', 0, { rollupOf: ['a', 'c'] })).not.toBe(rollup);
    // Stored ids: the digest must not change (sha256 of the sorted ids, base64url, 16 characters).
    expect(rollup).toBe('1h|prod|cpu|0|rfhj3NzEbLcOy8mnd');
    expect(partId('1m', 'prod', 'cpu', 0, { compactionOf: ['a', 'b'] })).toBe('1m|prod|cpu|0|cfhj3NzEbLcOy8mnd');
  });
});

describe('tierOfId', () => {
  it('reads the tier back from a manifest, part or page id, whatever the environment and metric hold', () => {
    expect(tierOfId(manifestId('1d', 'a|b', 'c|d', 0))).toBe('1d');
    expect(tierOfId(partId('raw', 'a|b', 'c#d', 0, { checkpoint: 1 }))).toBe('raw');
    expect(tierOfId(pageId(partId('1m', 'prod', 'cpu', 0, { compactionOf: ['x'] }), 3))).toBe('1m');
  });
});
