import { BannerRows } from '../support/banner-rows';
import { MainProcess } from '../support/main-process';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { hostileCorpus } from './hostile-input/corpus';
import { type Answer, exchange, type HostileRequest } from './hostile-input/http-exchange';
import { type StateSnapshot, type StateSources, takeSnapshot } from './hostile-input/state-snapshot';

/** Requests in flight at once: enough to be quick, few enough for a shared 2-core machine. */
const CONCURRENCY = 8;
const MIN_CORPUS_SIZE = 300;
/** Every category of hostileCorpus(): a test each, so a failure names its category and its requests. */
const CATEGORIES = [
  'auth',
  'malformed JSON',
  'wrong types',
  'missing and extra fields',
  'oversized bodies',
  'deep nesting',
  'numbers',
  'strings',
  'bogus tasks',
  'content types',
  'methods',
  'paths',
  'raw HTTP',
  'slow headers',
  'control characters',
  'bidi overrides',
  'query strings',
  'credentials',
  'double-encoded paths',
];

/** What is wrong with an answer to a hostile request, if anything. */
function problemsWith(request: HostileRequest, answer: Answer): string[] {
  const problems: string[] = [];
  if (request.status !== undefined ? answer.status !== request.status : answer.status < 400 || answer.status > 499) {
    problems.push(`status ${answer.status}, expected ${request.status ?? '4xx'}`);
  }
  if (!answer.contentType.startsWith('application/json')) problems.push(`content-type "${answer.contentType}"`);
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    problems.push(`a body that is not JSON: ${answer.body.slice(0, 120)}`);
  }
  if (body) {
    const shaped =
      body.statusCode === answer.status &&
      typeof body.code === 'string' &&
      body.code !== '' &&
      typeof body.message === 'string' &&
      typeof body.requestId === 'string' &&
      body.requestId !== '';
    if (!shaped) problems.push(`a body not in the error shape: ${answer.body.slice(0, 200)}`);
  }
  return problems;
}

/** Runs `task` over every item, `concurrency` at a time. */
async function forEachConcurrently<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Hostile input against every route of the built api (`node dist/main --role=api`), on the real
 * MariaDB and Redis: each answer is a 4xx JSON error, the process stays up and logs no error, and
 * the banners table and the run's Redis keys hold afterwards exactly what they held before.
 */
describe('hostile input against node dist/main --role=api (e2e, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let sut: MainProcess;
  let url: string;
  let sources: StateSources;
  let before: StateSnapshot;
  const corpus: HostileRequest[] = [];
  const failures = new Map<string, string[]>();

  const admin = () => ({ authorization: `Bearer ${environment.env.ADMIN_TOKEN}` });

  beforeAll(async () => {
    environment = createTestEnvironment();
    // A short headers timeout, so that the slow-headers requests are cut off within moments.
    sut = new MainProcess(['--role=api'], { ...environment.env, HTTP_HEADERS_TIMEOUT_SECONDS: '2' });
    url = (await sut.ready())!;
    sources = {
      databaseUrl: environment.env.DATABASE_URL,
      redis: [
        {
          url: environment.env.REDIS_URL,
          prefix: environment.env.CACHE_KEY_PREFIX,
          except: `${environment.env.CACHE_KEY_PREFIX}:rate-limit:`,
        },
        { url: environment.env.QUEUE_REDIS_URL, prefix: environment.env.QUEUE_PREFIX },
      ],
    };

    // Something to lose: banners (one deleted), the cached home list, and a task waiting an hour.
    const rows = await BannerRows.open(environment.env.DATABASE_URL);
    const bannerId = await rows.insert({ name: 'Kept', orders: 2 });
    await rows.insert({ name: 'Hidden', is_show: false });
    await rows.insert({ name: 'Deleted', is_delete: true });
    await rows.close();
    expect((await fetch(`${url}/api/home/banners`)).headers.get('x-cache')).toBe('MISS');
    const enqueued = await fetch(`${url}/api/admin/tasks`, {
      method: 'POST',
      headers: { ...admin(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'add', args: [1, 2], countdown: 3600 }),
    });
    expect(enqueued.status).toBe(202);
    const { id: taskId } = (await enqueued.json()) as { id: string };

    before = await takeSnapshot(sources);
    corpus.push(...hostileCorpus({ token: environment.env.ADMIN_TOKEN, bannerId, taskId }));
    const port = Number(new URL(url).port);
    await forEachConcurrently(corpus, CONCURRENCY, async (request) => {
      let problems: string[];
      try {
        problems = problemsWith(request, await exchange(port, request));
      } catch (error) {
        problems = [`no answer: ${error instanceof Error ? error.message : String(error)}`];
      }
      if (problems.length > 0) failures.set(`${request.category}: ${request.name}`, problems);
    });
  });

  afterAll(async () => {
    await sut?.stop();
    await environment.dispose();
  });

  it(`sends at least ${MIN_CORPUS_SIZE} requests, with a distinct name each`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(MIN_CORPUS_SIZE);
    expect(new Set(corpus.map(({ category, name }) => `${category}: ${name}`)).size).toBe(corpus.length);
  });

  it.each(CATEGORIES)('answers every %s request with a 4xx JSON error', (category) => {
    const failed = [...failures].filter(([name]) => name.startsWith(`${category}: `));

    expect(corpus.some((request) => request.category === category)).toBe(true);
    expect(Object.fromEntries(failed)).toEqual({});
  });

  it('checks every request under one of those categories', () => {
    expect(corpus.filter(({ category }) => !CATEGORIES.includes(category)).map(({ name }) => name)).toEqual([]);
  });

  it('is still up and ready afterwards, and logged no error', async () => {
    const ready = await fetch(`${url}/api/health/ready`);

    expect(sut.child.exitCode).toBeNull();
    expect(ready.status).toBe(200);
    expect(sut.lines.filter((line) => /"level":(50|60)|Unhandled|uncaught|RangeError/i.test(line))).toEqual([]);
  });

  it('leaves the banners table and the Redis keys of the run exactly as they were', async () => {
    const after = await takeSnapshot(sources);

    expect(before.banners).toHaveLength(3);
    expect(Object.keys(before.redis)).toEqual(
      expect.arrayContaining([expect.stringMatching(/:banner_list$/), expect.stringMatching(/:default:delayed$/)]),
    );
    expect(after).toEqual(before);
  });
});
