import http from 'node:http';
import { loadWithoutUndici, UNDICI_ACCESSORS } from './undici-free-load';

describe('loadWithoutUndici', () => {
  const descriptors = () => UNDICI_ACCESSORS.map((name) => Object.getOwnPropertyDescriptor(http, name));

  it("takes node:http's undici accessors off while loading, so that an export list built then has none of them", () => {
    const exported = loadWithoutUndici(() => Object.keys(http));

    expect(exported).toContain('STATUS_CODES');
    for (const name of UNDICI_ACCESSORS) expect(exported).not.toContain(name);
  });

  it('puts back the very same accessors, which still answer undici’s classes, and returns what the load returned', () => {
    const before = descriptors();

    expect(loadWithoutUndici(() => 'loaded')).toBe('loaded');
    expect(descriptors()).toEqual(before);
    expect(before.every((descriptor) => typeof descriptor?.get === 'function')).toBe(true);
    expect(http.WebSocket).toBe(globalThis.WebSocket);
  });

  it('puts them back when the load throws', () => {
    const before = descriptors();

    expect(() =>
      loadWithoutUndici(() => {
        throw new Error('load failed');
      }),
    ).toThrow('load failed');
    expect(descriptors()).toEqual(before);
  });
});
