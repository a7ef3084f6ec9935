import { seededRandom } from '../../../test/support/seeded-random';
import { Manifest, PartCatalog, PartEntry } from './part-catalog';
import { manifestId } from './part-id';
import { periodStart, TierName, TIERS } from './tiers';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A day boundary that is also a 1d-tier (32-day) period start. */
const D = periodStart(1_718_000_000_000, TIERS['1d']);

const NONE: ReadonlySet<number> = new Set();

function part(id: string, overrides: Partial<PartEntry> = {}): PartEntry {
  return { id, generation: 1, from: 0, to: 0, pages: 1, bytes: 10, samples: 1, rolledUp: false, ...overrides };
}

function manifest(tier: TierName, start: number, parts: PartEntry[], environment = 'prod', metric = 'cpu'): Manifest {
  return { id: manifestId(tier, environment, metric, start), tier, environment, metric, periodStart: start, parts };
}

const ids = (parts: PartEntry[]) => parts.map((p) => p.id).sort();
const manifestOf = (catalog: PartCatalog, id: string) => catalog.all().find((m) => m.id === id);

describe('PartCatalog', () => {
  it('knows the newest generation that wrote a listed part, so a restart never reuses one', () => {
    const catalog = new PartCatalog();
    expect(catalog.newestGeneration()).toBe(0);
    catalog.load([manifest('raw', D, [part('a', { generation: 7 }), part('b', { generation: -1 })]), manifest('1m', D, [part('c', { generation: 3 })])]);
    expect(catalog.newestGeneration()).toBe(7);
  });

  it('loads, lists, replaces and deletes manifests', () => {
    const catalog = new PartCatalog();
    const a = manifest('raw', D, [part('a')]);
    const b = manifest('1m', D, [part('b')]);
    catalog.load([a, b]);
    expect(catalog.all()).toHaveLength(2);
    expect(manifestOf(catalog, a.id)).toEqual(a);
    const a2 = { ...a, parts: [part('a'), part('c')] };
    catalog.set(a2);
    expect(manifestOf(catalog, a.id)).toEqual(a2);
    expect(catalog.all()).toHaveLength(2);
    catalog.delete(b.id);
    expect(manifestOf(catalog, b.id)).toBeUndefined();
    expect(catalog.all()).toEqual([a2]);
  });

  describe('withParts', () => {
    it('starts a new manifest when the period has none', () => {
      const catalog = new PartCatalog();
      const m = catalog.withParts(TIERS['1m'], 'prod', 'cpu', D, [part('p1'), part('p2')]);
      expect(m).toEqual({
        id: manifestId('1m', 'prod', 'cpu', D),
        tier: '1m',
        environment: 'prod',
        metric: 'cpu',
        periodStart: D,
        parts: [part('p1'), part('p2')],
      });
    });

    it('adds new parts after the listed ones', () => {
      const catalog = new PartCatalog();
      catalog.set(manifest('raw', D, [part('old')]));
      const m = catalog.withParts(TIERS.raw, 'prod', 'cpu', D, [part('new')]);
      expect(m.parts.map((p) => p.id)).toEqual(['old', 'new']);
      expect(m.id).toBe(manifestId('raw', 'prod', 'cpu', D));
    });

    it('never lists a part twice: an id already listed keeps its entry', () => {
      const catalog = new PartCatalog();
      const listed = part('p1', { rolledUp: true, samples: 5 });
      catalog.set(manifest('1m', D, [listed, part('p2')]));
      // A checkpoint replayed after a crash writes the same ids again.
      const m = catalog.withParts(TIERS['1m'], 'prod', 'cpu', D, [part('p1', { samples: 99 }), part('p3'), part('p2')]);
      expect(m.parts.map((p) => p.id)).toEqual(['p1', 'p2', 'p3']);
      expect(m.parts[0]).toEqual(listed);
    });

    it('is idempotent when applied, saved and applied again', () => {
      const catalog = new PartCatalog();
      const parts = [part('x'), part('y')];
      catalog.set(catalog.withParts(TIERS.raw, 'prod', 'cpu', D, parts));
      const again = catalog.withParts(TIERS.raw, 'prod', 'cpu', D, parts);
      expect(again.parts.map((p) => p.id)).toEqual(['x', 'y']);
    });

    it('leaves the catalog as it was until the manifest is set', () => {
      const catalog = new PartCatalog();
      const before = manifest('raw', D, [part('old')]);
      catalog.set(before);
      catalog.withParts(TIERS.raw, 'prod', 'cpu', D, [part('new')]);
      catalog.withParts(TIERS.raw, 'prod', 'cpu', D + HOUR, [part('elsewhere')]);
      expect(manifestOf(catalog, before.id)!.parts.map((p) => p.id)).toEqual(['old']);
      expect(manifestOf(catalog, manifestId('raw', 'prod', 'cpu', D + HOUR))).toBeUndefined();
      expect(catalog.all()).toHaveLength(1);
    });

    it('keeps environments, metrics, tiers and periods apart', () => {
      const catalog = new PartCatalog();
      catalog.set(manifest('raw', D, [part('raw-prod-cpu')]));
      expect(catalog.withParts(TIERS.raw, 'staging', 'cpu', D, []).parts).toEqual([]);
      expect(catalog.withParts(TIERS.raw, 'prod', 'mem', D, []).parts).toEqual([]);
      expect(catalog.withParts(TIERS['1m'], 'prod', 'cpu', D, []).parts).toEqual([]);
      expect(catalog.withParts(TIERS.raw, 'prod', 'cpu', D + HOUR, []).parts).toEqual([]);
    });
  });

  describe('partsFor: tiers', () => {
    /** One hour of every tier, each with a part rolled up and one not. */
    function stocked(): PartCatalog {
      const catalog = new PartCatalog();
      const span = { from: D, to: D + 30 * MINUTE };
      catalog.load([
        manifest('raw', D, [part('raw', { ...span })]),
        manifest('1m', D, [part('1m-rolled', { ...span, rolledUp: true }), part('1m-fresh', { ...span })]),
        manifest('1h', D, [part('1h-rolled', { from: D, to: D, rolledUp: true, generation: -1 }), part('1h-fresh', { from: D, to: D, generation: -1 })]),
        manifest('1d', D, [part('1d-rolled', { from: D, to: D, rolledUp: true, generation: -1 }), part('1d-fresh', { from: D, to: D, generation: -1 })]),
      ]);
      return catalog;
    }
    const from = D;
    const to = D + HOUR;

    it('reads only raw parts for raw', () => {
      expect(ids(stocked().partsFor(TIERS.raw, 'prod', 'cpu', from, to, NONE))).toEqual(['raw']);
    });

    it('reads only 1m parts, rolled up or not, for 1m', () => {
      expect(ids(stocked().partsFor(TIERS['1m'], 'prod', 'cpu', from, to, NONE))).toEqual(['1m-fresh', '1m-rolled']);
    });

    it('reads every 1h part plus the 1m parts not yet rolled up for 1h', () => {
      expect(ids(stocked().partsFor(TIERS['1h'], 'prod', 'cpu', from, to, NONE))).toEqual(['1h-fresh', '1h-rolled', '1m-fresh']);
    });

    it('reads every 1d part plus the 1h and 1m parts not yet rolled up for 1d', () => {
      expect(ids(stocked().partsFor(TIERS['1d'], 'prod', 'cpu', from, to, NONE))).toEqual(['1d-fresh', '1d-rolled', '1h-fresh', '1m-fresh']);
    });

    it('reads only the asked environment and metric', () => {
      const catalog = stocked();
      expect(catalog.partsFor(TIERS.raw, 'staging', 'cpu', from, to, NONE)).toEqual([]);
      expect(catalog.partsFor(TIERS['1d'], 'prod', 'mem', from, to, NONE)).toEqual([]);
    });

    it('finds nothing in an empty catalog', () => {
      for (const tier of Object.values(TIERS)) expect(new PartCatalog().partsFor(tier, 'prod', 'cpu', 0, 10 * DAY, NONE)).toEqual([]);
    });
  });

  describe('partsFor: generations in memory', () => {
    it('skips the parts written by generations whose heads are still in memory, in every tier', () => {
      const catalog = new PartCatalog();
      const span = { from: D, to: D + 10 * MINUTE };
      catalog.load([
        manifest('raw', D, [
          part('raw-g4', { ...span, generation: 4 }),
          part('raw-g5', { ...span, generation: 5 }),
          part('raw-g6', { ...span, generation: 6 }),
        ]),
        manifest('1m', D, [
          part('1m-g4', { ...span, generation: 4 }),
          part('1m-g5', { ...span, generation: 5 }),
          part('1m-derived', { ...span, generation: -1 }),
        ]),
        manifest('1h', D, [part('1h-derived', { from: D, to: D, generation: -1 })]),
      ]);
      const inMemory = new Set([5, 6]);
      expect(ids(catalog.partsFor(TIERS.raw, 'prod', 'cpu', D, D + HOUR, inMemory))).toEqual(['raw-g4']);
      expect(ids(catalog.partsFor(TIERS['1m'], 'prod', 'cpu', D, D + HOUR, inMemory))).toEqual(['1m-derived', '1m-g4']);
      expect(ids(catalog.partsFor(TIERS['1h'], 'prod', 'cpu', D, D + HOUR, inMemory))).toEqual(['1h-derived', '1m-derived', '1m-g4']);
      expect(ids(catalog.partsFor(TIERS.raw, 'prod', 'cpu', D, D + HOUR, NONE))).toEqual(['raw-g4', 'raw-g5', 'raw-g6']);
    });
  });

  describe('partsFor: periods and range', () => {
    it('visits every period that [from, to) touches, and no other', () => {
      const catalog = new PartCatalog();
      // One raw part per hour from D - 2h to D + 4h, spanning its whole hour.
      for (let h = -2; h <= 4; h++) {
        const start = D + h * HOUR;
        catalog.set(manifest('raw', start, [part(`h${h}`, { from: start, to: start + HOUR - 1 })]));
      }
      // Mid-hour to mid-hour: the hours holding from and to - 1.
      expect(ids(catalog.partsFor(TIERS.raw, 'prod', 'cpu', D + 30 * MINUTE, D + 2 * HOUR + 5 * MINUTE, NONE))).toEqual(['h0', 'h1', 'h2']);
      // Aligned: the hour starting at `to` is not read.
      expect(ids(catalog.partsFor(TIERS.raw, 'prod', 'cpu', D, D + 2 * HOUR, NONE))).toEqual(['h0', 'h1']);
      expect(ids(catalog.partsFor(TIERS.raw, 'prod', 'cpu', D - 2 * HOUR, D + 5 * HOUR, NONE))).toEqual(['h-1', 'h-2', 'h0', 'h1', 'h2', 'h3', 'h4']);
      expect(ids(catalog.partsFor(TIERS.raw, 'prod', 'cpu', D + 10 * HOUR, D + 12 * HOUR, NONE))).toEqual([]);
    });

    it('walks each tier in its own periods: days for 1h, 32 days for 1d', () => {
      const catalog = new PartCatalog();
      for (let d = 0; d < 3; d++) catalog.set(manifest('1h', D + d * DAY, [part(`1h-d${d}`, { from: D + d * DAY, to: D + d * DAY + 23 * HOUR })]));
      catalog.set(manifest('1d', D, [part('1d-p0', { from: D, to: D + 31 * DAY, generation: -1 })]));
      catalog.set(manifest('1d', D + 32 * DAY, [part('1d-p1', { from: D + 32 * DAY, to: D + 40 * DAY, generation: -1 })]));
      expect(ids(catalog.partsFor(TIERS['1h'], 'prod', 'cpu', D + 12 * HOUR, D + DAY + 1, NONE))).toEqual(['1h-d0', '1h-d1']);
      expect(ids(catalog.partsFor(TIERS['1d'], 'prod', 'cpu', D, D + 3 * DAY, NONE))).toEqual(['1d-p0', '1h-d0', '1h-d1', '1h-d2']);
      expect(ids(catalog.partsFor(TIERS['1d'], 'prod', 'cpu', D + 31 * DAY, D + 33 * DAY, NONE))).toEqual(['1d-p0', '1d-p1']);
    });

    it('keeps only the parts whose span meets [from, to)', () => {
      const catalog = new PartCatalog();
      catalog.set(
        manifest('raw', D, [
          part('before', { from: D, to: D + 10 * MINUTE - 1 }),
          part('ends-at-from', { from: D, to: D + 10 * MINUTE }),
          part('across', { from: D + 5 * MINUTE, to: D + 50 * MINUTE }),
          part('inside', { from: D + 15 * MINUTE, to: D + 16 * MINUTE }),
          part('starts-before-to', { from: D + 20 * MINUTE - 1, to: D + 40 * MINUTE }),
          part('starts-at-to', { from: D + 20 * MINUTE, to: D + 30 * MINUTE }),
          part('after', { from: D + 45 * MINUTE, to: D + 50 * MINUTE }),
        ]),
      );
      expect(ids(catalog.partsFor(TIERS.raw, 'prod', 'cpu', D + 10 * MINUTE, D + 20 * MINUTE, NONE))).toEqual([
        'across',
        'ends-at-from',
        'inside',
        'starts-before-to',
      ]);
    });

    it('keeps rollup parts whose last bucket starts at or after from, and drops those well before it', () => {
      const catalog = new PartCatalog();
      catalog.set(
        manifest('1m', D, [
          part('old', { from: D, to: D + 5 * MINUTE }),
          part('last-bucket-at-from', { from: D, to: D + 20 * MINUTE }),
          part('late', { from: D + 40 * MINUTE, to: D + 59 * MINUTE }),
          part('from-to', { from: D + 30 * MINUTE, to: D + 30 * MINUTE }),
        ]),
      );
      expect(ids(catalog.partsFor(TIERS['1m'], 'prod', 'cpu', D + 20 * MINUTE, D + 30 * MINUTE, NONE))).toEqual(['last-bucket-at-from']);
    });

    it('reads raw parts as the 1m tier until the period has a 1m manifest (written when raw expires)', () => {
      const catalog = new PartCatalog();
      catalog.set(manifest('raw', D, [part('raw-a', { from: D + 10_000, to: D + 30 * MINUTE, rolledUp: true })]));
      catalog.set(manifest('raw', D + HOUR, [part('raw-b', { from: D + HOUR + 5_000, to: D + HOUR + 50 * MINUTE })]));
      catalog.set(manifest('1h', D, [part('hour', { from: D, to: D })]));
      expect(ids(catalog.partsFor(TIERS['1m'], 'prod', 'cpu', D, D + 2 * HOUR, NONE))).toEqual(['raw-a', 'raw-b']);
      // 1h reads: its own parts plus what raw has not rolled up yet.
      expect(ids(catalog.partsFor(TIERS['1h'], 'prod', 'cpu', D, D + 2 * HOUR, NONE))).toEqual(['hour', 'raw-b']);
      // A sample at 12:00:05 is in the bucket of 12:00, which a range from 12:00 to 12:00:01 holds.
      expect(ids(catalog.partsFor(TIERS['1m'], 'prod', 'cpu', D + HOUR, D + HOUR + 1, NONE))).toEqual(['raw-b']);
      catalog.set(manifest('1m', D, [part('minutes-a', { from: D, to: D + 30 * MINUTE, rolledUp: true })]));
      expect(ids(catalog.partsFor(TIERS['1m'], 'prod', 'cpu', D, D + 2 * HOUR, NONE))).toEqual(['minutes-a', 'raw-b']);
      expect(ids(catalog.partsFor(TIERS.raw, 'prod', 'cpu', D, D + 2 * HOUR, NONE))).toEqual(['raw-a', 'raw-b']);
    });

    it('returns exactly the parts a brute-force filter picks, for random catalogs and ranges', () => {
      const random = seededRandom(2024);
      const tierNames: TierName[] = ['raw', '1m', '1h', '1d'];
      for (let round = 0; round < 30; round++) {
        const catalog = new PartCatalog();
        const listed: { tier: TierName; part: PartEntry }[] = [];
        let n = 0;
        for (const tierName of tierNames) {
          const tier = TIERS[tierName];
          for (let p = 0; p < 3; p++) {
            const start = periodStart(D + Math.floor(random() * 70 * DAY), tier);
            const parts: PartEntry[] = [];
            for (let k = 0; k < 3; k++) {
              // Parts lie within their period, on bucket starts for the rollup tiers.
              const align = (t: number) => (tier.bucketMs === 0 ? t : Math.floor(t / tier.bucketMs) * tier.bucketMs);
              const a = align(start + Math.floor(random() * tier.periodMs));
              const b = align(a + Math.floor(random() * (start + tier.periodMs - a)));
              parts.push(part(`${tierName}-${n++}`, { from: a, to: b, generation: Math.floor(random() * 4), rolledUp: random() < 0.5 }));
            }
            const m = catalog.withParts(tier, 'prod', 'cpu', start, parts);
            catalog.set(m);
            listed.push(...parts.map((p) => ({ tier: tierName, part: p })));
          }
        }
        // Raw parts stand in for the 1m tier in periods without a 1m manifest.
        const minutePeriods = new Set(
          catalog
            .all()
            .filter((m) => m.tier === '1m')
            .map((m) => m.periodStart),
        );
        const sources: { tier: TierName; as: TierName; part: PartEntry }[] = listed.map(({ tier: t, part: p }) =>
          t === 'raw' && !minutePeriods.has(periodStart(p.from, TIERS.raw)) ? { tier: t, as: '1m', part: p } : { tier: t, as: t, part: p },
        );
        const inMemory = new Set([Math.floor(random() * 4)]);
        for (let q = 0; q < 10; q++) {
          const from = D + Math.floor(random() * 70 * DAY);
          const to = from + 1 + Math.floor(random() * 20 * DAY);
          for (const tierName of tierNames) {
            const tier = TIERS[tierName];
            const tiersRead: TierName[] = tierName === 'raw' ? ['raw'] : (['1m', '1h', '1d'] as TierName[]).slice(0, ['1m', '1h', '1d'].indexOf(tierName) + 1);
            // A part is needed when a sample or bucket start of it may lie in [from, to).
            const expected = sources
              .filter(({ tier: t, as, part: p }) => {
                const read = tierName === 'raw' ? t === 'raw' : tiersRead.includes(as) && (as === tierName || !p.rolledUp);
                const first = as === t ? p.from : Math.floor(p.from / MINUTE) * MINUTE;
                return read && !inMemory.has(p.generation) && first < to && p.to >= from;
              })
              .map(({ part: p }) => p.id);
            const got = ids(catalog.partsFor(tier, 'prod', 'cpu', from, to, inMemory));
            // Every needed part is read; anything more may only be a part that ends within one bucket before from.
            expect(got).toEqual(expect.arrayContaining(expected));
            const extra = got.filter((id) => !expected.includes(id));
            for (const id of extra) {
              const source = sources.find((l) => l.part.id === id)!;
              const readAs: TierName = tierName === 'raw' ? 'raw' : source.as;
              expect(source.part.to).toBeGreaterThanOrEqual(from - TIERS[readAs].bucketMs);
              expect(source.part.to).toBeLessThan(from);
            }
            expect(new Set(got).size).toBe(got.length);
          }
        }
      }
    });
  });
});
