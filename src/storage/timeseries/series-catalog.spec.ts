import { SeriesCatalog, seriesIdentity, sortedLabels } from './series-catalog';

const limits = { maxSeries: 3, maxLabelValues: 2 };

describe('SeriesCatalog', () => {
  it('gives one id per identity, labels included', () => {
    const catalog = new SeriesCatalog(limits);
    const a = catalog.admit('prod', 'cpu', 'a1', [{ name: 'core', value: '0' }]);
    const b = catalog.admit('prod', 'cpu', 'a1', [{ name: 'core', value: '1' }]);
    const again = catalog.admit('prod', 'cpu', 'a1', [{ name: 'core', value: '0' }]);
    expect(a.ok && b.ok && again.ok).toBe(true);
    if (!a.ok || !b.ok || !again.ok) return;
    expect(a.entry.id).not.toBe(b.entry.id);
    expect(again).toEqual({ ok: true, entry: a.entry, created: false });
    expect(catalog.seriesOf('prod', 'cpu').map((e) => e.labels[0].value)).toEqual(['0', '1']);
    expect(catalog.seriesOf('staging', 'cpu')).toEqual([]);
  });

  it('refuses new series past the per-environment bounds, and keeps admitting known ones', () => {
    const catalog = new SeriesCatalog(limits);
    catalog.admit('prod', 'cpu', 'a1', [{ name: 'core', value: '0' }]);
    catalog.admit('prod', 'cpu', 'a1', [{ name: 'core', value: '1' }]);
    const third = catalog.admit('prod', 'cpu', 'a1', [{ name: 'core', value: '2' }]);
    expect(third).toEqual({ ok: false, reason: 'label core has reached its limit of 2 values in environment prod' });
    expect(catalog.admit('prod', 'cpu', 'a2', [{ name: 'core', value: '1' }]).ok).toBe(true);
    expect(catalog.admit('prod', 'mem', 'a3', [])).toEqual({ ok: false, reason: 'environment prod has reached its limit of 3 series' });
    expect(catalog.admit('prod', 'cpu', 'a1', [{ name: 'core', value: '0' }]).ok).toBe(true);
    expect(catalog.admit('other', 'mem', 'a3', []).ok).toBe(true);
  });

  it('hands out unsaved entries once, and ids continue after loaded ones', () => {
    const catalog = new SeriesCatalog(limits);
    catalog.load([{ id: 41, environment: 'prod', metric: 'cpu', agentId: 'a1', labels: [] }]);
    const added = catalog.admit('prod', 'cpu', 'a2', []);
    expect(added.ok && added.entry.id).toBe(42);
    const taken = catalog.takeUnsaved();
    expect(taken.map((e) => e.id)).toEqual([42]);
    expect(catalog.takeUnsaved()).toEqual([]);
    catalog.unsave(taken);
    expect(catalog.takeUnsaved().map((e) => e.id)).toEqual([42]);
    expect(catalog.get(41)?.agentId).toBe('a1');
  });

  it('orders labels by name for the identity', () => {
    const labels = [
      { name: 'z', value: '1' },
      { name: 'a', value: '2' },
    ];
    expect(sortedLabels(labels).map((l) => l.name)).toEqual(['a', 'z']);
    expect(seriesIdentity('e', 'm', 'x', sortedLabels(labels))).toBe(seriesIdentity('e', 'm', 'x', sortedLabels([...labels].reverse())));
    expect(seriesIdentity('e', 'm', 'x', [])).not.toBe(seriesIdentity('e', 'm', 'x', [{ name: 'a', value: '' }]));
  });
});
