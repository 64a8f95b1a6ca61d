import { UpcomingWork } from './upcoming-work';

describe('UpcomingWork', () => {
  it('expects nothing until told', () => {
    expect(new UpcomingWork().next()).toBeUndefined();
  });

  it('answers the earliest moment of all the keys, each key keeping only its latest', () => {
    const sut = new UpcomingWork();

    sut.expect('beat:a', 5_000);
    sut.expect('beat:b', 3_000);
    expect(sut.next()).toBe(3_000);
    sut.expect('beat:b', 8_000);
    expect(sut.next()).toBe(5_000);
  });
});
