import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { callBroker } from './broker-call';

/** Just what callBroker reads of an ioredis client: its status and its `ready` event. */
function fakeClient(status: string): Redis {
  return Object.assign(new EventEmitter(), { status }) as unknown as Redis;
}

const never = () => new Promise<never>(() => undefined);

describe('callBroker', () => {
  it('answers with the command on a connected client', async () => {
    await expect(callBroker(fakeClient('ready'), 50, 'enqueue task 1', async () => 'OK')).resolves.toBe('OK');
  });

  it('waits for the connection within the timeout, then sends', async () => {
    const client = fakeClient('reconnecting');
    setTimeout(() => client.emit('ready'), 5);

    await expect(callBroker(client, 1_000, 'enqueue task 1', async () => 'OK')).resolves.toBe('OK');
  });

  it('sends nothing and fails with TASK_BROKER_UNAVAILABLE when the broker stays away for the timeout', async () => {
    const command = jest.fn(async () => 'OK');

    const sut = callBroker(fakeClient('reconnecting'), 20, 'enqueue task 1', command);

    await expect(sut).rejects.toMatchObject({ code: 'TASK_BROKER_UNAVAILABLE', kind: 'unavailable' });
    expect(command).not.toHaveBeenCalled();
  });

  it('fails after the timeout when the broker does not answer, saying the command may still take effect', async () => {
    const sut = callBroker(fakeClient('ready'), 20, 'enqueue task 1', never);

    await expect(sut).rejects.toMatchObject({
      code: 'TASK_BROKER_UNAVAILABLE',
      message: 'The task broker did not answer within 20 ms: could not confirm enqueue task 1, which may still take effect',
    });
  });
});
