import { Batch } from './batch';

describe('Batch', () => {
  let handedOver: number[][];
  let sut: Batch<number>;

  beforeEach(() => {
    jest.useFakeTimers();
    handedOver = [];
    sut = new Batch(100, async (items) => {
      handedOver.push(items);
    });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('hands over everything added within the delay in one call, counted from the first item', () => {
    sut.add(1);
    jest.advanceTimersByTime(60);
    sut.add(2);
    jest.advanceTimersByTime(39);
    expect(handedOver).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(handedOver).toEqual([[1, 2]]);
  });

  it('starts a new batch after a hand-over', () => {
    sut.add(1);
    jest.advanceTimersByTime(100);
    sut.add(2);
    jest.advanceTimersByTime(100);
    expect(handedOver).toEqual([[1], [2]]);
  });

  it('hands over what is pending at once on flush, and nothing when nothing is', async () => {
    sut.add(1);
    await sut.flush();
    await sut.flush();
    jest.advanceTimersByTime(100);
    expect(handedOver).toEqual([[1]]);
  });
});
