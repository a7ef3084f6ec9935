import { chooseTier } from './tiers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('chooseTier', () => {
  it('answers a step with the coarsest tier whose bucket divides it', () => {
    expect(chooseTier(1_000).name).toBe('raw');
    expect(chooseTier(30_000).name).toBe('raw');
    expect(chooseTier(90_000).name).toBe('raw');
    expect(chooseTier(60_000).name).toBe('1m');
    expect(chooseTier(300_000).name).toBe('1m');
    expect(chooseTier(90 * 60_000).name).toBe('1m');
    expect(chooseTier(HOUR).name).toBe('1h');
    expect(chooseTier(36 * HOUR).name).toBe('1h');
    expect(chooseTier(2 * DAY).name).toBe('1d');
  });
});
