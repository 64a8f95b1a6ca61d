import { expect } from '@jest/globals';
import { type ChunkSink, LineChunks } from './line-chunks';

describe('LineChunks', () => {
  let written: string[];
  let syncFlushes: number;
  const sink: ChunkSink = {
    write: (chunk) => written.push(chunk),
    flush: (callback) => callback(),
    flushSync: () => syncFlushes++,
  };

  beforeEach(() => {
    written = [];
    syncFlushes = 0;
  });

  it('hands the lines over as one chunk once they reach its length', () => {
    const sut = new LineChunks(sink, 10);
    sut.write('abcd\n');
    sut.write('efg\n');
    expect(written).toEqual([]);
    sut.write('hi\n');
    expect(written).toEqual(['abcd\nefg\nhi\n']);
    sut.write('j\n');
    expect(written).toEqual(['abcd\nefg\nhi\n']);
  });

  it('writes a line longer than a chunk at once', () => {
    const sut = new LineChunks(sink, 4);
    sut.write('a long line\n');
    expect(written).toEqual(['a long line\n']);
  });

  it('hands over what is pending before a flush calls back', () => {
    const sut = new LineChunks(sink, 100);
    sut.write('one\n');
    const seen: string[][] = [];
    sut.flush(() => seen.push([...written]));
    expect(seen).toEqual([['one\n']]);
  });

  it('hands over what is pending before a synchronous flush, and nothing when there is none', () => {
    const sut = new LineChunks(sink, 100);
    sut.write('fatal\n');
    sut.flushSync();
    sut.flushSync();
    expect(written).toEqual(['fatal\n']);
    expect(syncFlushes).toBe(2);
  });
});
