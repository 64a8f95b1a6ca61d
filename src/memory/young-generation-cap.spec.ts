import type { Role } from '../roles';
import { semiSpaceCapMb } from './young-generation-cap';

describe('semiSpaceCapMb', () => {
  const roles = (...names: Role[]) => new Set<Role>(names);

  it("gives an api alone half a worker's semi-spaces", () => {
    expect(semiSpaceCapMb(roles('api'))).toBe(8);
    expect(semiSpaceCapMb(roles('api', 'beat'))).toBe(8);
  });

  it("gives every process that runs a worker, and the beat alone, the image's 16 MB", () => {
    for (const combined of [
      roles('worker'),
      roles('api', 'worker'),
      roles('worker', 'beat'),
      roles('api', 'worker', 'beat'),
      roles('beat'),
    ]) {
      expect(semiSpaceCapMb(combined)).toBe(16);
    }
  });
});
