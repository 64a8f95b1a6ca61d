import { SingleFlight } from './single-flight';

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('runs the work once for concurrent callers of a key, and they all get its result', async () => {
    const sut = new SingleFlight<number>();
    const pending = deferred<number>();
    const work = jest.fn(() => pending.promise);

    const calls = Array.from({ length: 100 }, () => sut.run('k', work));
    pending.resolve(42);

    await expect(Promise.all(calls)).resolves.toEqual(Array(100).fill(42));
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('shares a failure with every concurrent caller', async () => {
    const sut = new SingleFlight<number>();
    const pending = deferred<number>();

    const calls = [sut.run('k', () => pending.promise), sut.run('k', () => pending.promise)];
    pending.reject(new Error('boom'));

    for (const call of calls) await expect(call).rejects.toThrow('boom');
  });

  it('keeps keys apart', async () => {
    const sut = new SingleFlight<string>();

    await expect(Promise.all([sut.run('a', async () => 'A'), sut.run('b', async () => 'B')])).resolves.toEqual(['A', 'B']);
  });

  it('forgets a key once it settles, so the next call runs again', async () => {
    const sut = new SingleFlight<number>();
    const work = jest.fn(async () => 1);

    await sut.run('k', work);
    await sut.run('k', work);

    expect(work).toHaveBeenCalledTimes(2);
  });

  it('turns work that throws synchronously into a rejection, and forgets it', async () => {
    const sut = new SingleFlight<number>();

    await expect(
      sut.run('k', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(sut.run('k', async () => 2)).resolves.toBe(2);
  });
});
