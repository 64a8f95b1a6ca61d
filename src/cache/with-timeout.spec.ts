import { TimeoutError, withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('settles with the promise when it is in time', async () => {
    await expect(withTimeout(Promise.resolve('ok'), 1_000, 'GET')).resolves.toBe('ok');
    await expect(withTimeout(Promise.reject(new Error('down')), 1_000, 'GET')).rejects.toThrow('down');
  });

  it('rejects with a TimeoutError naming the call when the promise never settles', async () => {
    const sut = withTimeout(new Promise<never>(() => undefined), 5, 'Cache GET banner_list');

    await expect(sut).rejects.toThrow(TimeoutError);
    await expect(sut).rejects.toThrow('Cache GET banner_list took longer than 5 ms');
  });
});
