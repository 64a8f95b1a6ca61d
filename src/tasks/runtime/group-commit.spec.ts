import { jest } from '@jest/globals';
import { GroupCommit } from './group-commit';

/** One hand-over as the test sees it: its key and items, and the means to answer it. */
interface Call {
  readonly key: string;
  readonly items: readonly number[];
  readonly answer: (answers: readonly string[]) => void;
  readonly fail: (error: Error) => void;
}

describe('GroupCommit', () => {
  let calls: Call[];
  let sut: GroupCommit<string, number, string>;

  beforeEach(() => {
    calls = [];
    sut = new GroupCommit(
      (key, items) =>
        new Promise<readonly string[]>((resolve, reject) => {
          calls.push({ key, items, answer: resolve, fail: reject });
        }),
    );
  });

  /** Lets pending setImmediate callbacks and promise continuations run. */
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('hands an item over alone when nothing else comes, and answers it', async () => {
    const answer = sut.submit('a', 1);
    await turn();

    expect(calls.map(({ key, items }) => ({ key, items }))).toEqual([{ key: 'a', items: [1] }]);
    calls[0].answer(['one']);
    await expect(answer).resolves.toBe('one');
  });

  it('hands the items submitted in one turn over in one call, each answered with its own answer', async () => {
    const answers = [sut.submit('a', 1), sut.submit('a', 2), sut.submit('a', 3)];
    await turn();

    expect(calls.map(({ items }) => items)).toEqual([[1, 2, 3]]);
    calls[0].answer(['one', 'two', 'three']);
    await expect(Promise.all(answers)).resolves.toEqual(['one', 'two', 'three']);
  });

  it('holds what comes while a call is in flight, then hands it over together once the call returns', async () => {
    const first = sut.submit('a', 1);
    await turn();
    const later = [sut.submit('a', 2), sut.submit('a', 3)];
    await turn();
    await turn();
    expect(calls.map(({ items }) => items)).toEqual([[1]]);

    calls[0].answer(['one']);
    await expect(first).resolves.toBe('one');
    await turn();
    expect(calls.map(({ items }) => items)).toEqual([[1], [2, 3]]);
    calls[1].answer(['two', 'three']);
    await expect(Promise.all(later)).resolves.toEqual(['two', 'three']);
  });

  it('keeps keys apart: each has its own calls, in flight at the same time', async () => {
    const answers = [sut.submit('a', 1), sut.submit('b', 2)];
    await turn();

    expect(calls.map(({ key, items }) => ({ key, items }))).toEqual([
      { key: 'a', items: [1] },
      { key: 'b', items: [2] },
    ]);
    calls[1].answer(['two']);
    calls[0].answer(['one']);
    await expect(Promise.all(answers)).resolves.toEqual(['one', 'two']);
  });

  it('rejects every item of a failed call with its error, and still hands over what came meanwhile', async () => {
    const failed = [sut.submit('a', 1), sut.submit('a', 2)];
    await turn();
    const later = sut.submit('a', 3);
    calls[0].fail(new Error('broker down'));

    await expect(failed[0]).rejects.toThrow('broker down');
    await expect(failed[1]).rejects.toThrow('broker down');
    await turn();
    expect(calls.map(({ items }) => items)).toEqual([[1, 2], [3]]);
    calls[1].answer(['three']);
    await expect(later).resolves.toBe('three');
  });

  it('rejects the items of a call that answers a different number of items', async () => {
    const answers = [sut.submit('a', 1), sut.submit('a', 2)];
    await turn();
    calls[0].answer(['one']);

    await expect(answers[0]).rejects.toThrow('1 answers for 2 items');
    await expect(answers[1]).rejects.toThrow('1 answers for 2 items');
  });

  it('starts a new call for an item submitted after everything was answered', async () => {
    const first = sut.submit('a', 1);
    await turn();
    calls[0].answer(['one']);
    await first;
    await turn();

    const second = sut.submit('a', 2);
    await turn();
    expect(calls.map(({ items }) => items)).toEqual([[1], [2]]);
    calls[1].answer(['two']);
    await expect(second).resolves.toBe('two');
  });

  describe('with a gathering time', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
    afterEach(() => jest.useRealTimers());

    it('has every call wait that long for more items, the first and those after a call returns', async () => {
      const gathering = new GroupCommit<string, number, string>(
        (key, items) =>
          new Promise<readonly string[]>((resolve, reject) => {
            calls.push({ key, items, answer: resolve, fail: reject });
          }),
        { ms: 5, isWhole: () => false },
      );
      const answers = [gathering.submit('a', 1)];
      await turn();
      answers.push(gathering.submit('a', 2));
      jest.advanceTimersByTime(4);
      await turn();
      expect(calls).toEqual([]);

      jest.advanceTimersByTime(1);
      await turn();
      expect(calls.map(({ items }) => items)).toEqual([[1, 2]]);
      answers.push(gathering.submit('a', 3));
      calls[0].answer(['one', 'two']);
      await turn();
      answers.push(gathering.submit('a', 4));
      jest.advanceTimersByTime(4);
      await turn();
      expect(calls).toHaveLength(1);

      jest.advanceTimersByTime(1);
      await turn();
      expect(calls.map(({ items }) => items)).toEqual([
        [1, 2],
        [3, 4],
      ]);
      calls[1].answer(['three', 'four']);
      await expect(Promise.all(answers)).resolves.toEqual(['one', 'two', 'three', 'four']);
    });

    it('starts a call at once when the items waiting are whole, on a submit or once the previous call returns', async () => {
      const whole = new Map([['a', 2]]);
      const gathering = new GroupCommit<string, number, string>(
        (key, items) =>
          new Promise<readonly string[]>((resolve, reject) => {
            calls.push({ key, items, answer: resolve, fail: reject });
          }),
        { ms: 5, isWhole: (key, waiting) => waiting >= (whole.get(key) ?? Infinity) },
      );
      const answers = [gathering.submit('a', 1)];
      await turn();
      expect(calls).toEqual([]);

      answers.push(gathering.submit('a', 2));
      await turn();
      expect(calls.map(({ items }) => items)).toEqual([[1, 2]]);
      whole.set('a', 1);
      answers.push(gathering.submit('a', 3));
      calls[0].answer(['one', 'two']);
      await turn();
      expect(calls.map(({ items }) => items)).toEqual([[1, 2], [3]]);
      calls[1].answer(['three']);
      await expect(Promise.all(answers)).resolves.toEqual(['one', 'two', 'three']);
    });
  });
});
