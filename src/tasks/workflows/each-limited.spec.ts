import { eachLimited } from './each-limited';

/** A run the test settles by hand. */
interface Run {
  readonly item: number;
  readonly finish: () => void;
  readonly fail: (error: Error) => void;
}

describe('eachLimited', () => {
  let runs: Run[];
  const work = (item: number) =>
    new Promise<void>((resolve, reject) => {
      runs.push({ item, finish: resolve, fail: reject });
    });
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

  beforeEach(() => {
    runs = [];
  });

  it('starts at most `limit` runs, in order, and the next one as soon as one finishes', async () => {
    const sut = eachLimited([1, 2, 3, 4, 5], 2, work);
    await settle();
    expect(runs.map(({ item }) => item)).toEqual([1, 2]);

    runs[1].finish();
    await settle();
    expect(runs.map(({ item }) => item)).toEqual([1, 2, 3]);

    runs[0].finish();
    runs[2].finish();
    await settle();
    runs[3].finish();
    runs[4].finish();
    await expect(sut).resolves.toBeUndefined();
    expect(runs.map(({ item }) => item)).toEqual([1, 2, 3, 4, 5]);
  });

  it('runs everything at once when there are fewer items than the limit', async () => {
    const sut = eachLimited([1, 2], 64, work);
    await settle();
    expect(runs.map(({ item }) => item)).toEqual([1, 2]);
    runs.forEach((run) => run.finish());
    await expect(sut).resolves.toBeUndefined();
  });

  it('settles at once for no items', async () => {
    await expect(eachLimited([], 4, work)).resolves.toBeUndefined();
    expect(runs).toEqual([]);
  });

  it('rejects with the first error and starts nothing after it', async () => {
    const sut = eachLimited([1, 2, 3, 4], 2, work);
    await settle();
    runs[0].fail(new Error('broker down'));
    runs[1].finish();
    await expect(sut).rejects.toThrow('broker down');
    await settle();
    expect(runs.map(({ item }) => item)).toEqual([1, 2]);
  });
});
