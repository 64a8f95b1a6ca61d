import { createConnection } from 'mysql2/promise';
import { BannerRows } from '../support/banner-rows';
import { MainProcess } from '../support/main-process';
import { pollUntil } from '../support/poll';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { reportFigures } from './support/figures';
import { type Answer, brief, countBy, crashLines, span, Traffic } from './support/outage';
import { TripwireProxy } from './support/tripwire-proxy';

const DOWN_MS = 2_500;
/** The mysql2 connect timeout is 5 s; the rest is room for a busy shared machine, a bound on a hang. */
const SLOWEST_MS = 8_000;

/** The fields an admin write can change, as stored. */
interface StoredBanner {
  name: string;
  info: string;
  orders: number;
  is_delete: number;
}

/** One admin write, and what it does to the table if (and only if) it succeeds. */
interface Write {
  readonly op: 'create' | 'update' | 'delete';
  readonly id?: number;
  readonly apply: (table: Map<number, StoredBanner>, answer: Answer) => void;
}

/**
 * Scenario 5: MySQL is cut off (the api reaches it through a TCP proxy that is closed, its open
 * connections cut) while clients read the banner list and an admin keeps writing, then comes
 * back. The table must then hold what it held before plus exactly the writes that succeeded. Then
 * the cut comes at the worst moment for one write: just after MySQL has done it.
 */
describe('MySQL is cut off under an api serving reads and admin writes (real process)', () => {
  let environment: TestEnvironment;
  let proxy: TripwireProxy;
  let api: MainProcess;
  let url: string;
  let reads: Traffic | undefined;
  let writes: Traffic | undefined;

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${url}/api/admin/banners${path}`, {
      method,
      headers: {
        authorization: `Bearer ${environment.env.ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    environment = createTestEnvironment();
    proxy = await TripwireProxy.start({ host: '127.0.0.1', port: 3306 });
    const databaseUrl = new URL(environment.env.DATABASE_URL);
    databaseUrl.port = String(proxy.listeningPort);
    api = new MainProcess(['--role=api'], { ...environment.env, DATABASE_URL: databaseUrl.href });
    url = (await api.ready())!;
  });

  afterAll(async () => {
    await Promise.all([reads?.stop(), writes?.stop()]);
    await api?.stop();
    await proxy?.stop();
    await environment?.dispose();
  });

  it('serves cached reads, refuses writes with 503, and keeps exactly the writes that succeeded', async () => {
    const rows = await BannerRows.open(environment.env.DATABASE_URL);
    const seeded = [await rows.insert({ name: 'one', orders: 3 }), await rows.insert({ name: 'two', orders: 2 })];
    await rows.close();
    const before = await table();
    const home = async () => {
      const response = await fetch(`${url}/api/home/banners`);
      return { xCache: response.headers.get('x-cache'), body: JSON.stringify(await response.json()) };
    };
    const { body: list } = await pollUntil(home, ({ xCache }) => xCache === 'HIT', 'the banner list to be cached');

    reads = new Traffic(() => ({ kind: 'home', send: () => fetch(`${url}/api/home/banners`) }), 10);
    const created: number[] = [];
    // Creates, updates and soft deletes in turn, one at a time, so their order is known.
    writes = new Traffic((index) => {
      const write = nextWrite(index, seeded, created);
      return { kind: write.op, tag: write, send: () => send(write, index, created) };
    });
    await writes.waitFor((a) => a.status === 201, 0, 'a first write');

    const downAt = writes.now();
    await proxy.stop();
    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
    const upAt = writes.now();
    await proxy.resume();
    const firstWritten = await writes.waitFor((a) => a.status < 300, upAt, 'a write after MySQL is back');
    await writes.waitFor((a) => a.status === 201, firstWritten.at + 500, 'more writes after MySQL is back');
    await Promise.all([reads.stop(), writes.stop()]);
    const readAnswers = reads.answers;
    const writeAnswers = writes.answers;

    // From the cache Redis, or, when a busy shared Redis is slower than CACHE_TIMEOUT_MS, from
    // this process's last copy (STALE): never from MySQL, which is away.
    const cached = (a: Answer) => a.status === 200 && (a.xCache === 'HIT' || a.xCache === 'STALE') && JSON.stringify(a.body) === list;
    expect(readAnswers.filter((a) => !cached(a)).map(brief)).toEqual([]);
    const ok = new Set([200, 201, 204]);
    expect(writeAnswers.filter((a) => !ok.has(a.status) && !(a.status === 503 && a.code === 'DATABASE_UNAVAILABLE')).map(brief)).toEqual(
      [],
    );
    const whileDown = writeAnswers.filter((a) => a.at >= downAt && a.at + a.ms <= upAt);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.filter((a) => a.status !== 503).map(brief)).toEqual([]);
    const slowest = Math.max(...readAnswers.concat(writeAnswers).map((a) => a.ms));
    expect(slowest).toBeLessThan(SLOWEST_MS);

    const expected = new Map(before);
    for (const answer of writeAnswers) if (ok.has(answer.status)) (answer.tag as Write).apply(expected, answer);
    expect(Object.fromEntries(await table())).toEqual(Object.fromEntries(expected));

    expect(crashLines(api)).toEqual([]);
    expect(api.child.exitCode).toBeNull();

    const afterUp = writeAnswers.filter((a) => a.at >= upAt);
    reportFigures('database-cut', {
      outageMs: upAt - downAt,
      errors: span(writeAnswers, (a) => a.status >= 500, downAt),
      errorsAfterBack: span(afterUp, (a) => a.status >= 500, upAt),
      firstWriteAfterBackMs: firstWritten.at + firstWritten.ms - upAt,
      reads: {
        requests: readAnswers.length,
        statuses: countBy(readAnswers, (a) => String(a.status)),
        xCache: countBy(readAnswers, (a) => String(a.xCache)),
      },
      writes: { requests: writeAnswers.length, statuses: countBy(writeAnswers, (a) => `${a.kind} ${a.status}`) },
      rows: { before: before.size, after: expected.size },
      slowestMs: slowest,
    });
  });

  it.each([
    { write: 'create', statement: /^COMMIT/ },
    { write: 'update', statement: /^UPDATE/ },
    { write: 'delete', statement: /^UPDATE/ },
  ] as const)(
    '$write: answered 2xx exactly when it is stored, with MySQL cut just after it answers $statement',
    async ({ write, statement }) => {
      const rows = await BannerRows.open(environment.env.DATABASE_URL);
      const id = await rows.insert({ name: `target of ${write}` });
      await rows.close();

      const tripped = proxy.arm(statement);
      const response =
        write === 'create'
          ? await admin('POST', '', { name: 'tripped create', image: '/media/banner/1.png', link: '/courses' })
          : await admin(write === 'update' ? 'PATCH' : 'DELETE', `/${id}`, write === 'update' ? { info: 'tripped update' } : undefined);
      const body = response.status === 204 ? undefined : ((await response.json()) as { code?: string });
      await within(5_000, tripped, `MySQL to answer ${statement} (the tripwire never fired)`);
      const stored = [...(await table()).values()].some((row) =>
        write === 'create'
          ? row.name === 'tripped create'
          : write === 'update'
            ? row.info === 'tripped update'
            : row.name === `target of ${write}` && row.is_delete === 1,
      );
      await proxy.resume();

      const outcome = [
        response.status < 300 ? 'answered 2xx' : `answered ${response.status} ${body?.code}`,
        stored ? 'stored' : 'not stored',
      ];
      expect([
        ['answered 2xx', 'stored'],
        ['answered 503 DATABASE_UNAVAILABLE', 'not stored'],
      ]).toContainEqual(outcome);
    },
  );

  function nextWrite(index: number, seeded: readonly number[], created: readonly number[]): Write {
    switch (index % 3) {
      case 0:
        return {
          op: 'create',
          apply: (table, answer) => table.set((answer.body as { id: number }).id, { name: `w${index}`, info: '', orders: 0, is_delete: 0 }),
        };
      case 1: {
        const id = seeded[index % seeded.length];
        return { op: 'update', id, apply: (table) => table.set(id, { ...table.get(id)!, info: `u${index}`, orders: index }) };
      }
      default: {
        // The newest banner a create was answered for; a seeded one before any.
        const id = created.at(-1) ?? seeded[0];
        return { op: 'delete', id, apply: (table) => table.set(id, { ...table.get(id)!, is_delete: 1 }) };
      }
    }
  }

  async function send(write: Write, index: number, created: number[]): Promise<Response> {
    switch (write.op) {
      case 'create': {
        const response = await admin('POST', '', { name: `w${index}`, image: '/media/banner/1.png', link: '/courses' });
        if (response.status === 201) created.push(((await response.clone().json()) as { id: number }).id);
        return response;
      }
      case 'update':
        return admin('PATCH', `/${write.id}`, { info: `u${index}`, orders: index });
      case 'delete':
        return admin('DELETE', `/${write.id}`);
    }
  }

  async function within<T>(timeoutMs: number, promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), timeoutMs)),
    );
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The banners as stored, read straight from MariaDB (not through the proxy). */
  async function table(): Promise<Map<number, StoredBanner>> {
    const connection = await createConnection({ uri: environment.env.DATABASE_URL });
    try {
      const [rows] = await connection.query('SELECT id, name, info, orders, is_delete FROM banners ORDER BY id');
      return new Map((rows as (StoredBanner & { id: number })[]).map(({ id, ...row }) => [id, row]));
    } finally {
      await connection.end();
    }
  }
});
