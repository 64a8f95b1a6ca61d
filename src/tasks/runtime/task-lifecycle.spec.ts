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
});
