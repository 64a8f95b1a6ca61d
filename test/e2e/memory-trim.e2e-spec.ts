import { MainProcess } from '../support/main-process';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/** The figures of the trim's log line: each a pair, before and after. */
interface TrimLine {
  readonly pauseMs: number;
  readonly rssMb: [number, number];
  readonly heapMb: [number, number];
  readonly youngGenerationMb: [number, number];
}

describe('the heap given back once idle (e2e: node dist/main, real Redis)', () => {
  let environment: TestEnvironment;
  let sut: MainProcess | undefined;

  beforeAll(() => {
    environment = createTestEnvironment();
  });

  afterEach(async () => {
    await sut?.stop();
    sut = undefined;
  });

  afterAll(async () => {
    await environment.dispose();
  });

  it('a quiet beat shrinks its young generation and its resident memory after MEMORY_TRIM_IDLE_SECONDS', async () => {
    sut = new MainProcess(['--role=beat'], { ...environment.env, MEMORY_TRIM_IDLE_SECONDS: '1', LOG_LEVEL: 'debug' }, { nodeArgs: [] });
    await sut.ready();

    const trim = JSON.parse(await sut.waitForLine(/"msg":"Gave the idle heap back"/)) as TrimLine;

    // V8 grew the young generation for start-up; the last-resort collection leaves one page of it.
    expect(trim.youngGenerationMb[1]).toBeLessThan(trim.youngGenerationMb[0]);
    expect(trim.youngGenerationMb[1]).toBeLessThanOrEqual(1);
    expect(trim.heapMb[1]).toBeLessThan(trim.heapMb[0]);
    expect(trim.rssMb[1]).toBeLessThan(trim.rssMb[0]);
  });
});
