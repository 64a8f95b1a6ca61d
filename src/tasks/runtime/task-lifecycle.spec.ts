import { TaskLifecycle, type TaskOutcome } from './task-lifecycle';

const OUTCOME: TaskOutcome = {
  id: '0b7f3b1e-5a0c-4c39-9d51-2a5f0e0c1a11',
  name: 'add',
  data: { args: [1, 2], kwargs: {}, eta: null },
  state: 'SUCCESS',
  result: 3,
};

describe('TaskLifecycle', () => {
  it('hands each outcome to every listener, in the order they subscribed', async () => {
    const sut = new TaskLifecycle();
    const seen: string[] = [];
    sut.onFinished(async (outcome) => void seen.push(`first ${outcome.id}`));
    sut.onFinished(async (outcome) => void seen.push(`second ${outcome.id}`));

    await sut.finished(OUTCOME);

    expect(seen).toEqual([`first ${OUTCOME.id}`, `second ${OUTCOME.id}`]);
  });

  it("lets a listener's error through, so the run fails and is retried", async () => {
    const sut = new TaskLifecycle();
    sut.onFinished(() => Promise.reject(new Error('broker down')));

    await expect(sut.finished(OUTCOME)).rejects.toThrow('broker down');
  });

  it('answers at once, with nothing to await, when no listener has anything to wait for', () => {
    const sut = new TaskLifecycle();
    const seen: string[] = [];
    sut.onFinished((outcome) => void seen.push(`first ${outcome.id}`));
    sut.onFinished(() => undefined);

    expect(sut.finished(OUTCOME)).toBeUndefined();
    expect(seen).toEqual([`first ${OUTCOME.id}`]);
  });

  it('waits for a listener that has work before it runs the next one', async () => {
    const sut = new TaskLifecycle();
    const seen: string[] = [];
    sut.onFinished(() => new Promise<void>((resolve) => setTimeout(() => resolve(void seen.push('slow')), 10)));
    sut.onFinished(() => void seen.push('next'));

    const pending = sut.finished(OUTCOME);
    expect(seen).toEqual([]);
    await pending;
    expect(seen).toEqual(['slow', 'next']);
  });

  it("lets a listener's synchronous error through too", () => {
    const sut = new TaskLifecycle();
    sut.onFinished(() => {
      throw new Error('bad plan');
    });

    expect(() => sut.finished(OUTCOME)).toThrow('bad plan');
  });
});
