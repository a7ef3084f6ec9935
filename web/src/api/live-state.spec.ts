import type { AgentRow, LiveWindow } from './documents';
import { latestStep, Line, patchStatuses, placeWindow } from './live-state';

const S = 5_000;
const message = (start: number, fields: Partial<LiveWindow>): LiveWindow => ({
  windowStart: new Date(start).toISOString(),
  avg: 1,
  p95: 2,
  labels: [],
  final: true,
  complete: true,
  ...fields,
});

describe('placeWindow', () => {
  const trend = (): Line => ({
    name: 'fleet',
    points: new Map([
      [0, 10],
      [S, 11],
    ]),
  });

  it('draws the open window provisionally and replaces it with the final value', () => {
    const line = trend();
    placeWindow(line, message(2 * S, { avg: 12, final: false }), 12, 60);
    expect([line.points.get(2 * S), line.open, latestStep([line])]).toEqual([12, 2 * S, S]);
    placeWindow(line, message(2 * S, { avg: 13, final: false }), 13, 60);
    expect(line.points.get(2 * S)).toBe(13);
    placeWindow(line, message(2 * S, { avg: 14 }), 14, 60);
    expect([line.points.get(2 * S), line.open, latestStep([line])]).toEqual([14, undefined, 2 * S]);
  });

  it('keeps the provisional point of the open window when the previous window closes', () => {
    const line = trend();
    placeWindow(line, message(3 * S, { final: false }), 20, 60);
    placeWindow(line, message(2 * S, {}), 12, 60);
    expect([line.open, latestStep([line])]).toEqual([3 * S, 2 * S]);
  });

  it('keeps the trend step of a window the subscription joined late, and draws such a window where the trend has none', () => {
    const line = trend();
    placeWindow(line, message(S, { complete: false }), 99, 60);
    expect(line.points.get(S)).toBe(11);
    placeWindow(line, message(2 * S, { complete: false, final: false }), 5, 60);
    placeWindow(line, message(2 * S, { complete: false }), 6, 60);
    expect([line.points.get(2 * S), line.open]).toEqual([6, undefined]);
  });

  it('drops the steps that slid out of the range', () => {
    const line = trend();
    placeWindow(line, message(3 * S, {}), 1, 15);
    expect([...line.points.keys()]).toEqual([S, 3 * S]);
  });
});

describe('patchStatuses', () => {
  const row = (id: string): AgentRow => ({ id, status: 'HEALTHY', statusReason: 'ok', lastHeartbeatAt: null, labels: [], health: { score: 90 } });

  it("sets the changed agents' latest status and reason, and forgets their score", () => {
    const change = (status: 'DOWN' | 'SUSPECT', reason: string) => ({ agentId: 'b', previousStatus: 'HEALTHY' as const, status, at: '', reason });
    const [a, b] = patchStatuses([row('a'), row('b')], [change('SUSPECT', 'late'), change('DOWN', 'silent')]);
    expect(a).toEqual(row('a'));
    expect(b).toMatchObject({ status: 'DOWN', statusReason: 'silent', health: null });
  });
});
