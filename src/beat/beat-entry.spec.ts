import { BeatEntryError, DEFAULT_BEAT_SCHEDULE, mergeBeatSchedule, parseBeatEntry } from './beat-entry';

const TZ = 'Asia/Shanghai';

describe('mergeBeatSchedule', () => {
  it('keeps the seed defaults when nothing is overridden', () => {
    const sut = mergeBeatSchedule(DEFAULT_BEAT_SCHEDULE, {});

    expect(sut).toEqual({
      'update-banner-list': { task: 'update_banner_list', every: '10s', skipIfPending: true },
      'test-task': { task: 'test_task', every: '3s', args: [666], enabled: false },
    });
  });

  it('lays an override over its default field by field', () => {
    const sut = mergeBeatSchedule(DEFAULT_BEAT_SCHEDULE, { 'test-task': { enabled: true } });

    expect(sut['test-task']).toEqual({ task: 'test_task', every: '3s', args: [666], enabled: true });
  });

  it('replaces an interval with a crontab', () => {
    const sut = mergeBeatSchedule(DEFAULT_BEAT_SCHEDULE, { 'update-banner-list': { cron: '0 8 * * *' } });

    expect(sut['update-banner-list']).toEqual({ task: 'update_banner_list', cron: '0 8 * * *', skipIfPending: true });
  });

  it('adds an entry under a new name', () => {
    const sut = mergeBeatSchedule(DEFAULT_BEAT_SCHEDULE, { sum: { task: 'add', every: '1m', args: [1, 2] } });

    expect(sut.sum).toEqual({ task: 'add', every: '1m', args: [1, 2] });
  });

  it('refuses an override that is not an object, naming it', () => {
    expect(() => mergeBeatSchedule(DEFAULT_BEAT_SCHEDULE, { 'test-task': true })).toThrow(
      new BeatEntryError('test-task', 'must be an object'),
    );
  });
});

describe('parseBeatEntry', () => {
  it('fills the defaults', () => {
    const sut = parseBeatEntry('sum', { task: 'add', every: '5s' }, TZ);

    expect(sut).toMatchObject({ name: 'sum', task: 'add', args: [], kwargs: {}, enabled: true, skipIfPending: false });
    expect(sut.schedule.description).toBe('every 5s');
  });

  it('evaluates a crontab in the time zone given', () => {
    const sut = parseBeatEntry('weekly', { task: 'add', cron: '0 8 * * 1', args: [1, 2] }, TZ);

    expect(sut.schedule.next(new Date('2026-11-27T00:00:00Z')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it.each([
    [{ every: '5s' }, 'task must be a task name'],
    [{ task: 'add' }, 'needs exactly one of every'],
    [{ task: 'add', every: '5s', cron: '* * * * *' }, 'needs exactly one of every'],
    [{ task: 'add', every: 'often' }, 'every must be a positive whole number'],
    [{ task: 'add', cron: '99 * * * *' }, 'cron "99 * * * *" is not valid'],
    [{ task: 'add', every: '5s', args: 'x' }, 'args must be an array'],
    [{ task: 'add', every: '5s', kwargs: [] }, 'kwargs must be an object'],
    [{ task: 'add', every: '5s', enabled: 'yes' }, 'enabled must be true or false'],
    [{ task: 'add', every: '5s', interval: 5 }, 'unknown field(s) interval'],
    ['add', 'must be an object'],
  ])('refuses %j with a message naming the entry', (spec, problem) => {
    expect(() => parseBeatEntry('broken', spec, TZ)).toThrow(`Beat entry "broken": ${problem}`);
  });
});
