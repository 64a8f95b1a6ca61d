import { checkBasicCredentials } from './basic-credentials';

const expected = { user: 'admin', password: 'correct horse battery staple' };
const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

describe('checkBasicCredentials', () => {
  it('grants the expected user and password', () => {
    expect(checkBasicCredentials(basic('admin:correct horse battery staple'), expected)).toBe('granted');
  });

  it('takes everything after the first colon as the password', () => {
    expect(checkBasicCredentials(basic('admin:a:b'), { user: 'admin', password: 'a:b' })).toBe('granted');
  });

  it('accepts the scheme in any case, as RFC 7617 allows', () => {
    expect(checkBasicCredentials(basic('admin:correct horse battery staple').replace('Basic', 'bAsIc'), expected)).toBe('granted');
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['a Bearer token', 'Bearer correct horse battery staple'],
    ['Basic without credentials', 'Basic '],
    ['credentials that are not base64', 'Basic admin:correct'],
  ])('reports %s as missing credentials', (_, header) => {
    expect(checkBasicCredentials(header, expected)).toBe('missing');
  });

  it.each([
    ['a wrong password', 'admin:correct horse battery'],
    ['a wrong user', 'root:correct horse battery staple'],
    ['the password alone', 'correct horse battery staple'],
    ['an empty password', 'admin:'],
  ])('refuses %s', (_, credentials) => {
    expect(checkBasicCredentials(basic(credentials), expected)).toBe('wrong');
  });
});
