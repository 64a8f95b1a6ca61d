import { WorkInFlight } from './work-in-flight';

describe('WorkInFlight', () => {
  it('tells its listeners when work begins in an idle process and when the last work ends, not in between', () => {
    const sut = new WorkInFlight();
    const told: boolean[] = [];
    sut.watch((working) => told.push(working));

    sut.begin();
    sut.begin();
    sut.end();
    expect(told).toEqual([true]);
    sut.end();
    sut.begin();

    expect(told).toEqual([true, false, true]);
    expect(sut.any).toBe(true);
  });
});
