import { QueryDeadline } from './query-deadline';

describe('QueryDeadline', () => {
  it('gives way to other work once a slice has run, and ends the query past its limit', async () => {
    let now = 0;
    const deadline = new QueryDeadline(() => now, 100, 10);
    now = 5;
    await deadline.yield(); // within the slice: no pause
    now = 20;
    await deadline.yield(); // a slice ran: pauses for the event loop
    now = 101;
    await expect(deadline.yield()).rejects.toMatchObject({ code: 'BAD_USER_INPUT', extensions: { reason: 'QUERY_TIMEOUT' } });
  });

  it('lets other callbacks run when it pauses', async () => {
    let now = 0;
    const deadline = new QueryDeadline(() => now, 1_000, 10);
    let ran = false;
    setImmediate(() => (ran = true));
    now = 11;
    await deadline.yield();
    expect(ran).toBe(true);
  });
});
