import { LocalCopy } from './local-copy';

const TTL_MS = 1_000;

describe('LocalCopy', () => {
  let now: number;
  let sut: LocalCopy<string>;

  beforeEach(() => {
    now = 5_000;
    sut = new LocalCopy(TTL_MS, () => now);
    sut.enable();
  });

  it('keeps a value until ttlMs after the read that fetched it began, not after it ended', () => {
    const ticket = sut.begin();
    now += 300;
    sut.keep('k', 'v1', ticket);

    now += TTL_MS - 301;
    expect(sut.get('k')).toBe('v1');
    now += 1;
    expect(sut.get('k')).toBeUndefined();
  });

  it('forgets a dropped key', () => {
    sut.keep('k', 'v1', sut.begin());

    sut.drop('k');

    expect(sut.get('k')).toBeUndefined();
  });

  it('does not keep the answer of a read that began before a drop', () => {
    const ticket = sut.begin();

    sut.drop('k');
    sut.keep('k', 'old', ticket);

    expect(sut.get('k')).toBeUndefined();
  });

  it('keeps nothing while disabled, and starts empty when enabled again', () => {
    sut.keep('k', 'v1', sut.begin());

    sut.disable();
    expect(sut.get('k')).toBeUndefined();
    sut.keep('k', 'v2', sut.begin());
    expect(sut.get('k')).toBeUndefined();
    expect(sut.isEnabled).toBe(false);

    const beforeEnable = sut.begin();
    sut.enable();
    sut.keep('k', 'read while disabled', beforeEnable);
    expect(sut.get('k')).toBeUndefined();
    sut.keep('k', 'v3', sut.begin());
    expect(sut.get('k')).toBe('v3');
  });

  it('is disabled until enabled', () => {
    const fresh = new LocalCopy<string>(TTL_MS, () => now);

    fresh.keep('k', 'v', fresh.begin());

    expect(fresh.get('k')).toBeUndefined();
  });
});
