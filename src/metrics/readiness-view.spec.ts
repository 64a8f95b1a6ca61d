import { readinessView } from './readiness-view';

const report = { status: 'error', error: { mysql: { status: 'down', message: 'connect ECONNREFUSED 10.0.0.5:3306' } } };
const token = 'the-admin-token-0123';

describe('readinessView', () => {
  it('gives the whole report to the admin token', () => {
    expect(readinessView(report, `Bearer ${token}`, token)).toBe(report);
  });

  it.each([undefined, 'Bearer wrong-token-of-any-length', `Basic ${token}`])('gives the status alone to %j', (authorization) => {
    expect(readinessView(report, authorization, token)).toEqual({ status: 'error' });
  });

  it('gives the status alone to everyone when ADMIN_TOKEN is not set', () => {
    expect(readinessView(report, 'Bearer anything', undefined)).toEqual({ status: 'error' });
  });
});
