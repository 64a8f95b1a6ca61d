import { AppError } from './app-error';

describe('AppError', () => {
  it('carries a code of AppErrorCode, which the compiler checks (npm run typecheck)', () => {
    // @ts-expect-error a code outside AppErrorCode does not compile
    const sut = new AppError('NO_SUCH_CODE', 'unused', 'invalid');

    expect(sut).toMatchObject({ name: 'AppError', code: 'NO_SUCH_CODE', kind: 'invalid' });
  });
});
