import { checkBearerToken, hasDuplicateAuthorization } from './bearer-token';
import { secretDigest } from './same-secret';

const token = 'a-token-of-sixteen-or-more';
const digest = secretDigest(token);

describe('checkBearerToken', () => {
  it.each([`Bearer ${token}`, `bearer ${token}`, `BEARER  ${token}`])('grants %j', (header) => {
    expect(checkBearerToken(header, digest)).toBe('granted');
  });

  it.each([undefined, '', 'Bearer', `Basic ${token}`, `Bearer ${token} extra`, `Token ${token}`])('reports %j as missing', (header) => {
    expect(checkBearerToken(header, digest)).toBe('missing');
  });

  it.each([`Bearer ${token}x`, `Bearer ${token.toUpperCase()}`, 'Bearer 0'])('refuses %j as wrong', (header) => {
    expect(checkBearerToken(header, digest)).toBe('wrong');
  });
});

describe('hasDuplicateAuthorization', () => {
  it('finds a second Authorization whatever its case', () => {
    expect(hasDuplicateAuthorization(['Host', 'x', 'Authorization', 'Bearer a', 'authorization', 'Bearer b'])).toBe(true);
  });

  it('accepts one Authorization, and a value that merely says "authorization"', () => {
    expect(hasDuplicateAuthorization(['Authorization', 'Bearer a', 'X-Note', 'authorization'])).toBe(false);
  });
});
