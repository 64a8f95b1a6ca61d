import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it.each([
    ['mysql://root:hunter2@db:3306/app', 'mysql://root:***@db:3306/app'],
    ['redis://:hunter2@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['mysql://root:hun ter2@db/app', 'mysql://root:***@db/app'],
    ['mysql://root:p@ss/w@rd@db/app', 'mysql://root:***@db/app'],
    ['root:hunter2@db/app', 'root:***@db/app'],
    ['redis://hunter2@cache/0', 'redis://***@cache/0'],
  ])('hides the password of %j', (value, shown) => {
    expect(redactUrl(value)).toBe(shown);
  });

  it.each(['mysql://db:3306/app', 'not a url', 'http://127.0.0.1:3000'])('leaves %j, which has no credentials, as it is', (value) => {
    expect(redactUrl(value)).toBe(value);
  });
});
