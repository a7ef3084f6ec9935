import { PointBudget } from './point-budget';

describe('PointBudget', () => {
  it('hands out points until the limit, refusing a take that does not fit whole', () => {
    const budget = new PointBudget(100);
    expect(budget.take(60)).toBe(true);
    expect(budget.take(50)).toBe(false);
    expect(budget.remaining).toBe(40);
    expect(budget.take(40)).toBe(true);
    expect(budget.take(1)).toBe(false);
    expect(budget.take(0)).toBe(true);
  });
});
