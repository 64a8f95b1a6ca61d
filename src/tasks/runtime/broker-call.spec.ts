import { EventEmitter } from 'node:events';
import { type Redis, ReplyError as UntypedReplyError } from 'ioredis';
import { callBroker } from './broker-call';

/** ioredis re-exports the ReplyError of redis-errors, which ships no type declarations. */
const ReplyError = UntypedReplyError as new (message: string) => Error;

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

  it('fails with TASK_BROKER_FULL when the broker refuses a write for lack of memory', async () => {
    const oom = async () => {
      throw new ReplyError("OOM command not allowed when used memory > 'maxmemory'.");
    };

    await expect(callBroker(fakeClient('ready'), 50, 'enqueue task 1', oom)).rejects.toMatchObject({
      code: 'TASK_BROKER_FULL',
      kind: 'unavailable',
      message: 'The task broker (QUEUE_REDIS_URL) is out of memory: could not enqueue task 1',
    });
  });

  it('fails with TASK_BROKER_FULL when a transaction is aborted because a command of it was refused for lack of memory', async () => {
    const aborted = Object.assign(new ReplyError('EXECABORT Transaction discarded because of previous errors.'), {
      previousErrors: [new ReplyError("OOM command not allowed when used memory > 'maxmemory'.")],
    });

    await expect(callBroker(fakeClient('ready'), 50, 'list tasks', () => Promise.reject(aborted))).rejects.toMatchObject({
      code: 'TASK_BROKER_FULL',
    });
  });

  it('passes on any other error of the command as it is', async () => {
    const failure = new ReplyError('NOSCRIPT No matching script');

    await expect(callBroker(fakeClient('ready'), 50, 'enqueue task 1', () => Promise.reject(failure))).rejects.toBe(failure);
  });
});
