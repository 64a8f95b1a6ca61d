import { ConfigError } from '../../config/env-reader';
import { workerSlots } from './worker-queues';

describe('workerSlots', () => {
  it('gives every consumed queue the one concurrency', () => {
    expect(workerSlots(['default', 'banner'], 4, {})).toEqual(
      new Map([
        ['default', 4],
        ['banner', 4],
      ]),
    );
  });

  it('gives a queue named per queue its own, and consumes only the queues given', () => {
    expect(workerSlots(['default', 'banner'], 4, { default: 8 })).toEqual(
      new Map([
        ['default', 8],
        ['banner', 4],
      ]),
    );
    expect(workerSlots(['banner'], 4, { default: 8, banner: 2 })).toEqual(new Map([['banner', 2]]));
  });

  it('refuses a queue that does not exist, naming the variable', () => {
    const sut = () => workerSlots(['default'], 4, { slow: 2 });

    expect(sut).toThrow(ConfigError);
    expect(sut).toThrow('WORKER_CONCURRENCY must be a number, or queue=number pairs of the queues default, banner (got "slow")');
  });
});
