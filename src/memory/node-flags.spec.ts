import { startedWithV8Flag } from './node-flags';

describe('startedWithV8Flag', () => {
  const started = (execArgv: string[], nodeOptions?: string) => {
    jest.replaceProperty(process, 'execArgv', execArgv);
    jest.replaceProperty(process, 'env', { ...process.env, NODE_OPTIONS: nodeOptions });
  };

  afterEach(() => jest.restoreAllMocks());

  it('finds a flag with its value after = or as the next argument, with - or _ between words', () => {
    started(['--max-semi-space-size=16']);
    expect(startedWithV8Flag('max-semi-space-size')).toBe(true);
    started(['--max_semi_space_size', '16']);
    expect(startedWithV8Flag('max-semi-space-size')).toBe(true);
  });

  it('finds a flag turned off with no-, and any of the names asked for', () => {
    started(['--no-turbofan']);
    expect(startedWithV8Flag('maglev', 'turbofan')).toBe(true);
    started(['--jitless']);
    expect(startedWithV8Flag('maglev', 'jitless')).toBe(true);
  });

  it('reads NODE_OPTIONS too', () => {
    started([], '--enable-source-maps --max-semi-space-size=8');
    expect(startedWithV8Flag('max-semi-space-size')).toBe(true);
  });

  it('does not take a longer flag, or another flag of the same prefix, for the one asked for', () => {
    started(['--max-semi-space-size-extra=1', '--opt-level=2', '--maglev-inlining', '--require', 'x.cjs'], '--enable-source-maps');
    expect(startedWithV8Flag('max-semi-space-size', 'opt', 'maglev')).toBe(false);
  });
});
