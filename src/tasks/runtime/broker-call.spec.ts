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

  it('makes the calls sent while the client connects share one ready listener, gone once it is ready', async () => {
    const client = fakeClient('connecting');

    const calls = Array.from({ length: 64 }, (_, n) => callBroker(client, 1_000, `enqueue task ${n}`, async () => n));
    const listenersWhileConnecting = client.listenerCount('ready');
    client.emit('ready');

    await expect(Promise.all(calls)).resolves.toEqual(Array.from({ length: 64 }, (_, n) => n));
    expect(listenersWhileConnecting).toBe(1);
    expect(client.listenerCount('ready')).toBe(0);
    expect(client.listenerCount('error')).toBe(0);
  });

  it('fails every call waiting for the connection when it errs, and waits anew for the next call', async () => {
    const client = fakeClient('connecting');
    const command = jest.fn(async () => 'OK');

    const waiting = [callBroker(client, 1_000, 'enqueue task 1', command), callBroker(client, 1_000, 'enqueue task 2', command)];
    client.emit('error', new Error('connect ECONNREFUSED'));

    for (const call of waiting) await expect(call).rejects.toMatchObject({ code: 'TASK_BROKER_UNAVAILABLE' });
    expect(command).not.toHaveBeenCalled();
    const next = callBroker(client, 1_000, 'enqueue task 3', command);
    client.emit('ready');
    await expect(next).resolves.toBe('OK');
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
