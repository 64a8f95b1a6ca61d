import { parseRoles, UnknownRoleError } from './roles';

describe('parseRoles', () => {
  it('means every role when no role is given', () => {
    expect([...parseRoles(undefined)]).toEqual(['api', 'worker', 'beat']);
  });

  it('expands all', () => {
    expect([...parseRoles('all')]).toEqual(['api', 'worker', 'beat']);
  });

  it('combines a comma list and drops repeats', () => {
    expect([...parseRoles('worker, beat,worker')]).toEqual(['worker', 'beat']);
  });

  it.each(['', 'web', 'api,'])('refuses %j and lists the valid roles', (value) => {
    expect(() => parseRoles(value)).toThrow(UnknownRoleError);
    expect(() => parseRoles(value)).toThrow('valid roles are api, worker, beat, all');
  });
});
