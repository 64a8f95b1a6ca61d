import { tickTaskId } from './tick-task-id';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('tickTaskId', () => {
  const tick = new Date('2026-11-27T10:00:10Z');

  it('is a UUID', () => {
    expect(tickTaskId('update-banner-list', tick)).toMatch(UUID_V5);
  });

  it('is the same for the same entry and tick, in any process', () => {
    expect(tickTaskId('update-banner-list', new Date(tick))).toBe(tickTaskId('update-banner-list', tick));
  });

  it('differs between ticks and between entries', () => {
    const ids = new Set([
      tickTaskId('update-banner-list', tick),
      tickTaskId('update-banner-list', new Date(tick.getTime() + 10_000)),
      tickTaskId('test-task', tick),
    ]);

    expect(ids.size).toBe(3);
  });
});
