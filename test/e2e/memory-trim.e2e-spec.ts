import { mainProcessSuite } from '../support/main-process-suite';

/** The figures of the trim's log line: each a pair, before and after. */
interface TrimLine {
  readonly pauseMs: number;
  readonly rssMb: [number, number];
  readonly heapMb: [number, number];
  readonly youngGenerationMb: [number, number];
}

describe('the heap given back once idle (e2e: node dist/main, real Redis)', () => {
  const suite = mainProcessSuite();

  it('a quiet beat shrinks its young generation and its resident memory after MEMORY_TRIM_IDLE_SECONDS', async () => {
    const sut = suite.start(['--role=beat'], { MEMORY_TRIM_IDLE_SECONDS: '1', LOG_LEVEL: 'debug' }, { nodeArgs: [] });
    await sut.ready();

    const trim = JSON.parse(await sut.waitForLine(/"msg":"Gave the idle heap back"/)) as TrimLine;

    // V8 grew the young generation for start-up; the last-resort collection leaves one page of it.
    expect(trim.youngGenerationMb[1]).toBeLessThan(trim.youngGenerationMb[0]);
    expect(trim.youngGenerationMb[1]).toBeLessThanOrEqual(1);
    expect(trim.heapMb[1]).toBeLessThan(trim.heapMb[0]);
    expect(trim.rssMb[1]).toBeLessThan(trim.rssMb[0]);
  });
});
