import type { Role } from '../roles';
import { optimizingCompilersUnneeded } from './optimizing-compilers';

describe('optimizingCompilersUnneeded', () => {
  const roles = (...names: Role[]) => new Set<Role>(names);

  afterEach(() => jest.restoreAllMocks());

  it('holds for the beat alone', () => {
    jest.replaceProperty(process, 'execArgv', []);
    expect(optimizingCompilersUnneeded(roles('beat'))).toBe(true);
  });

  it('does not hold for a process that serves requests or runs tasks, alone or beside the beat', () => {
    jest.replaceProperty(process, 'execArgv', []);
    for (const combined of [roles('api'), roles('worker'), roles('worker', 'beat'), roles('api', 'beat'), roles('api', 'worker', 'beat')]) {
      expect(optimizingCompilersUnneeded(combined)).toBe(false);
    }
  });

  it("leaves a beat started with a flag that chooses V8's tiers to that flag", () => {
    for (const flag of ['--turbofan', '--no-maglev', '--jitless', '--opt']) {
      jest.replaceProperty(process, 'execArgv', [flag]);
      expect(optimizingCompilersUnneeded(roles('beat'))).toBe(false);
    }
  });
});
