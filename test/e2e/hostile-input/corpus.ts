import type { HostileRequest } from './http-exchange';

/** What the corpus aims at: the admin token, and a banner and a pending task that must stay as they are. */
export interface CorpusTarget {
  readonly token: string;
  readonly bannerId: number;
  readonly taskId: string;
}

type Route = readonly [method: string, path: string];

const JSON_TYPE = { 'content-type': 'application/json' };
const CREATE_BANNER: Route = ['POST', '/api/admin/banners'];
const ENQUEUE: Route = ['POST', '/api/admin/tasks'];
const TEN_MB = 10 * 1024 * 1024;
/** Fastify's default `bodyLimit`, which the api keeps. */
const BODY_LIMIT = 1024 * 1024;

/** Bodies that would be a valid write, sent where something else makes them invalid. */
const VALID_BANNER = { name: 'Hostile', image: '/media/banner/1.png', link: '/courses' };
const VALID_TASK = { name: 'add', args: [1, 2] };

const nested = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);
/** An HTTP/1.1 request as text, on a connection the server is asked to close after answering. */
const bytes = (requestLine: string, headers: string[] = [], body = '') =>
  `${[requestLine, 'Host: 127.0.0.1', ...headers, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`;

/** A body in `Transfer-Encoding: chunked` framing, without the last chunk: still going. */
function inChunks(body: Buffer): Buffer {
  const slices: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += 64 * 1024) {
    const slice = body.subarray(offset, offset + 64 * 1024);
    slices.push(Buffer.from(`${slice.length.toString(16)}\r\n`), slice, Buffer.from('\r\n'));
  }
  return Buffer.concat(slices);
}

const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'latin1').toString('base64')}`;

/**
 * Hostile requests against every route, by category. None may change the database or the queues:
 * those without the right credentials carry a valid write where there is one, to show that the
 * guard stops it; those with the right token are invalid in another way. A route that takes no
 * body ignores a well-formed one (and does its write), so it only gets bodies that cannot parse.
 */
export function hostileCorpus({ token, bannerId, taskId }: CorpusTarget): HostileRequest[] {
  const admin = { authorization: `Bearer ${token}` };
  const banner = `/api/admin/banners/${bannerId}`;
  const task = `/api/admin/tasks/${taskId}`;
  const updateBanner: Route = ['PATCH', banner];
  const adminRoutes: Route[] = [
    ['GET', '/api/admin/banners'],
    ['POST', '/api/admin/banners'],
    ['GET', banner],
    ['PATCH', banner],
    ['DELETE', banner],
    ['POST', '/api/admin/cache/banners/refresh'],
    ['DELETE', '/api/admin/cache/banners'],
    ['POST', '/api/admin/tasks'],
    ['GET', '/api/admin/tasks'],
    ['GET', task],
    ['DELETE', task],
    ['GET', '/api/admin/schedules'],
  ];
  /** Routes that read a JSON body, and a body each would accept. */
  const bodyRoutes: [Route, object][] = [
    [CREATE_BANNER, VALID_BANNER],
    [updateBanner, { orders: 5 }],
    [ENQUEUE, VALID_TASK],
  ];
  /** Writes that take no body, and ignore a well-formed one. */
  const bodylessWrites: Route[] = [
    ['DELETE', banner],
    ['POST', '/api/admin/cache/banners/refresh'],
    ['DELETE', '/api/admin/cache/banners'],
    ['DELETE', task],
  ];
  const dashboardRoutes: Route[] = [
    ['GET', '/admin/queues'],
    ['GET', '/admin/queues/api/queues'],
    ['GET', `/admin/queues/api/queues/default/${taskId}`],
    ['PUT', '/admin/queues/api/queues/default/pause'],
    ['PUT', '/admin/queues/api/queues/default/clean/delayed'],
    ['PUT', `/admin/queues/api/queues/default/${taskId}/promote`],
  ];
  const cases: HostileRequest[] = [];
  const add = (category: string, name: string, request: Omit<HostileRequest, 'category' | 'name'>) =>
    cases.push({ category, name, ...request });
  /** A JSON body with the right token: whatever is refused, it is not the credentials. */
  const jsonTo = (category: string, [method, path]: Route, label: string, body: string | Buffer, status?: number) =>
    add(category, `${method} ${path} with ${label}`, { method, path, headers: { ...admin, ...JSON_TYPE }, body, status });
  const asAdmin = (category: string, method: string, path: string, status?: number, name = `${method} ${path}`) =>
    add(category, name, { method, path, headers: admin, status });

  // Missing and bad credentials: the route must refuse before it reads or writes anything.
  const withBody = ([method, path]: Route) =>
    bodyRoutes.find(([[bodyMethod, bodyPath]]) => bodyMethod === method && bodyPath === path)?.[1];
  const credentials: [label: string, headers: Record<string, string>, status: number][] = [
    ['no Authorization', {}, 401],
    ['a wrong token', { authorization: `Bearer ${'0'.repeat(token.length)}` }, 403],
    ['the token with one more character', { authorization: `Bearer ${token}x` }, 403],
    ['the token in upper case', { authorization: `Bearer ${token.toUpperCase()}` }, 403],
    ['the token as Basic credentials', { authorization: basic(`admin:${token}`) }, 401],
    ['Bearer with no token', { authorization: 'Bearer' }, 401],
    ['the token and a second word', { authorization: `Bearer ${token} ${token}` }, 401],
    ['another scheme', { authorization: `Token ${token}` }, 401],
    ['an SQL-injection token', { authorization: `Bearer '||'1'='1'--` }, 403],
    ['an 8 KB token', { authorization: `Bearer ${'a'.repeat(8192)}` }, 403],
    ['a path-traversal token', { authorization: 'Bearer ../../../../etc/passwd' }, 403],
    ['latin-1 bytes in the token', { authorization: `Bearer ${token.slice(0, -1)}\u00e9` }, 403],
  ];
  for (const route of adminRoutes) {
    const [method, path] = route;
    const body = withBody(route);
    for (const [label, headers, status] of credentials) {
      add('auth', `${method} ${path} with ${label}`, {
        method,
        path,
        headers: body ? { ...headers, ...JSON_TYPE } : headers,
        body: body && JSON.stringify(body),
        status,
      });
    }
  }
  const dashboardCredentials: [string, Record<string, string>][] = [
    ['no login', {}],
    ['a wrong password', { authorization: basic('admin:wrong password') }],
    ['a wrong user', { authorization: basic(`root:${token}`) }],
    ['the token as a Bearer token', { authorization: `Bearer ${token}` }],
    ['credentials that are not base64', { authorization: `Basic admin:${token}` }],
    ['no colon', { authorization: basic(`admin${token}`) }],
  ];
  for (const [method, path] of dashboardRoutes) {
    for (const [label, headers] of dashboardCredentials) {
      add('auth', `${method} ${path} with ${label}`, { method, path, headers, status: 401 });
    }
  }

  // Bodies that are not JSON, sent as JSON.
  const malformed: [string, string | Buffer][] = [
    ['an unclosed object', '{bad'],
    ['a cut-off value', '{"name":'],
    ['single quotes', "{'name':'x'}"],
    ['a trailing comma', '{"name":"x",}'],
    ['two documents', '{} {}'],
    ['trailing text', '{}x'],
    ['an empty body', ''],
    ['bare NaN', 'NaN'],
    ['NaN in a field', '{"orders":NaN}'],
    ['Infinity in a field', '{"orders":Infinity}'],
    ['-Infinity in a field', '{"orders":-Infinity}'],
    ['a hex number', '{"orders":0x10}'],
    ['undefined', '{"orders":undefined}'],
    ['a comment', '{"orders":1}// why not'],
    ['a raw control character in a string', '{"name":"a\u0001b"}'],
    ['a NUL byte', '\u0000'],
    ['a __proto__ key', '{"__proto__":{"isAdmin":true}}'],
    ['a constructor.prototype key', '{"constructor":{"prototype":{"isAdmin":true}}}'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ['an unclosed array', '[1,2'],
  ];
  for (const [route] of bodyRoutes) {
    for (const [label, body] of malformed) jsonTo('malformed JSON', route, label, body);
  }
  for (const route of bodylessWrites) {
    for (const [label, body] of malformed.slice(0, 6)) jsonTo('malformed JSON', route, label, body);
  }

  // Well-formed JSON of the wrong types.
  const bannerTypes: [string, unknown][] = [
    ['name', 7],
    ['name', ['Sale']],
    ['name', { text: 'Sale' }],
    ['name', true],
    ['name', null],
    ['image', 1],
    ['image', null],
    ['link', ['/x']],
    ['info', 12],
    ['info', null],
    ['orders', '1'],
    ['orders', 1.5],
    ['orders', true],
    ['orders', [1]],
    ['is_show', 'true'],
    ['is_show', 1],
    ['is_show', null],
  ];
  for (const [field, value] of bannerTypes) {
    const label = `${field}: ${JSON.stringify(value)}`;
    jsonTo('wrong types', CREATE_BANNER, label, JSON.stringify({ ...VALID_BANNER, [field]: value }));
    jsonTo('wrong types', updateBanner, label, JSON.stringify({ [field]: value }));
  }
  const taskTypes: [string, unknown][] = [
    ['name', 7],
    ['name', ['add']],
    ['name', null],
    ['name', ''],
    ['args', '1,2'],
    ['args', { 0: 1, 1: 2 }],
    ['args', null],
    ['kwargs', [1, 2]],
    ['kwargs', 'n=1'],
    ['kwargs', null],
    ['countdown', '10'],
    ['countdown', true],
    ['countdown', null],
    ['eta', 1_900_000_000],
    ['eta', null],
    ['eta', 'tomorrow'],
    ['args', ['1', '2']],
  ];
  for (const [field, value] of taskTypes) {
    jsonTo('wrong types', ENQUEUE, `${field}: ${JSON.stringify(value)}`, JSON.stringify({ ...VALID_TASK, [field]: value }));
  }
  // A null body is taken as {}: a PATCH of nothing, answered 200 without a write, so not here.
  for (const [route] of bodyRoutes) {
    for (const body of ['[]', '"a string"', '7', 'true', ...(route[0] === 'PATCH' ? [] : ['null'])]) {
      jsonTo('wrong types', route, `the body ${body}`, body);
    }
  }

  // Missing and extra fields.
  const fieldCases: [Route, string, object][] = [
    [CREATE_BANNER, 'no fields', {}],
    ...(['name', 'image', 'link'] as const).map((field): [Route, string, object] => {
      const { [field]: _, ...rest } = VALID_BANNER;
      return [CREATE_BANNER, `no ${field}`, rest];
    }),
    ...['id', 'is_delete', 'created_at', 'updated_at', 'admin', 'constructor'].flatMap((field): [Route, string, object][] => [
      [CREATE_BANNER, `an extra ${field}`, { ...VALID_BANNER, [field]: 1 }],
      [updateBanner, `an extra ${field}`, { orders: 5, [field]: 1 }],
    ]),
    [ENQUEUE, 'no fields', {}],
    [ENQUEUE, 'no name', { args: [1, 2] }],
    [ENQUEUE, 'too few args', { name: 'add', args: [1] }],
    [ENQUEUE, 'too many args', { name: 'add', args: [1, 2, 3] }],
    [ENQUEUE, 'an unknown kwarg', { name: 'add', kwargs: { n: 1, m: 2, o: 3 } }],
    [ENQUEUE, 'an arg given twice', { name: 'add', args: [1, 2], kwargs: { n: 1 } }],
    [ENQUEUE, 'both countdown and eta', { ...VALID_TASK, countdown: 10, eta: '2030-05-01T10:00:00Z' }],
    [ENQUEUE, 'an eta without offset', { ...VALID_TASK, eta: '2030-05-01T10:00:00' }],
    [ENQUEUE, 'a constructor key in test_task data', { name: 'test_task', args: [{ constructor: 1 }] }],
    ...['attempts', 'retries', 'rate_limit'].map((field): [Route, string, object] => [
      ENQUEUE,
      `an extra ${field}`,
      { ...VALID_TASK, [field]: 1 },
    ]),
    // Fields of the call, with values they refuse: nothing is enqueued.
    [ENQUEUE, 'an id that is no UUID', { ...VALID_TASK, id: '../default:wait' }],
    [ENQUEUE, 'a numeric queue', { ...VALID_TASK, queue: 1 }],
    [ENQUEUE, 'a queue that is a Bull key', { ...VALID_TASK, queue: 'default:wait' }],
    [ENQUEUE, 'priority 0', { ...VALID_TASK, priority: 0 }],
    [ENQUEUE, 'a fractional priority', { ...VALID_TASK, priority: 1.5 }],
    [ENQUEUE, 'an expiry without offset', { ...VALID_TASK, expires: '2030-05-01T10:00:00' }],
    [ENQUEUE, 'an expiry of an object', { ...VALID_TASK, expires: { seconds: 5 } }],
    [ENQUEUE, 'a time limit of 0', { ...VALID_TASK, timeLimit: 0 }],
    [ENQUEUE, 'a time limit past what a timer holds', { ...VALID_TASK, timeLimit: 1e10 }],
    [ENQUEUE, 'a time limit in a string', { ...VALID_TASK, timeLimit: '60' }],
    [ENQUEUE, 'a soft time limit past the hard one', { ...VALID_TASK, softTimeLimit: 90, timeLimit: 60 }],
  ];
  for (const [route, label, body] of fieldCases) jsonTo('missing and extra fields', route, label, JSON.stringify(body));

  // Bodies over the 1 MiB limit: refused before they are read, with or without the token.
  const adminLine = `Authorization: Bearer ${token}`;
  // Declared by Content-Length, 10 MB is refused from the head alone. The body is not sent: the
  // server answers and closes at once, and a client still writing could lose the answer.
  const declared = ([method, path]: Route, type: string) =>
    add('oversized bodies', `${method} ${path} declaring 10 MB of ${type}`, {
      method,
      path,
      raw: { head: bytes(`${method} ${path} HTTP/1.1`, [adminLine, `Content-Type: ${type}`, `Content-Length: ${TEN_MB}`]) },
      status: 413,
    });
  // Chunked, a body is read until it passes the limit. 1 MiB and a bit are sent, unfinished, so
  // that every byte is out before the server refuses it and closes.
  const pastLimit = (start: string) => inChunks(Buffer.from(start.padEnd(BODY_LIMIT + 128 * 1024, 'x')));
  const chunked = ([method, path]: Route, type: string, body: Buffer) =>
    add('oversized bodies', `${method} ${path} with a chunked ${type} body past 1 MiB`, {
      method,
      path,
      raw: { head: bytes(`${method} ${path} HTTP/1.1`, [adminLine, `Content-Type: ${type}`, 'Transfer-Encoding: chunked']), body },
      status: 413,
    });
  const chunkedJson = pastLimit('{"name":"a","info":"');
  const chunkedText = pastLimit('');
  for (const route of [...bodyRoutes.map(([candidate]) => candidate), ...bodylessWrites]) {
    for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) declared(route, type);
    chunked(route, 'application/json', chunkedJson);
    chunked(route, 'text/plain', chunkedText);
  }
  // Without a token the head alone is refused: authentication comes before the body.
  add('oversized bodies', 'POST /api/admin/banners declaring 10 MB of application/json without a token', {
    method: 'POST',
    path: '/api/admin/banners',
    raw: { head: bytes('POST /api/admin/banners HTTP/1.1', ['Content-Type: application/json', `Content-Length: ${TEN_MB}`]) },
    status: 401,
  });

  // Sent in full: the refused body is drained, so the client reads the 413 instead of a reset.
  const tenMegabytes = Buffer.alloc(TEN_MB, 'a');
  for (const [[method, path]] of bodyRoutes) {
    add('oversized bodies', `${method} ${path} with 10 MB sent in full`, {
      method,
      path,
      raw: {
        head: bytes(`${method} ${path} HTTP/1.1`, [adminLine, 'Content-Type: application/json', `Content-Length: ${TEN_MB}`]),
        body: tenMegabytes,
      },
      status: 413,
    });
  }

  // Deep nesting: well past the 32 levels the api parses, up to what a 1 MiB body holds.
  for (const depth of [33, 1_000, 100_000]) {
    for (const [route] of bodyRoutes) {
      jsonTo('deep nesting', route, `arrays ${depth} deep`, nested(depth, '[', ']'));
      jsonTo('deep nesting', route, `objects ${depth} deep`, nested(depth, '{"a":', '}'));
    }
    // test_task takes any value: only the depth makes this one invalid.
    const deepData = nested(depth, '[', ']');
    jsonTo('deep nesting', ENQUEUE, `test_task data ${depth} deep`, `{"name":"test_task","args":[${deepData}]}`);
    const deepInfo = nested(depth, '[', ']', '"x"');
    const deepBanner = `{"name":"a","image":"/x.png","link":"/","info":${deepInfo}}`;
    jsonTo('deep nesting', CREATE_BANNER, `an info ${depth} levels down`, deepBanner);
    jsonTo('deep nesting', ['DELETE', '/api/admin/cache/banners'], `a body ${depth} deep`, deepData);
  }

  // NaN, Infinity and huge numbers, in ids, query strings and bodies.
  const badNumbers = [
    ...['NaN', 'Infinity', '-Infinity', '1e308', '1e400', '99999999999999999999'],
    ...['-1', '0', '1.5', '0x10', '1e3', '%2B1', `%20${bannerId}`],
  ];
  for (const id of badNumbers) {
    for (const method of ['GET', 'DELETE']) {
      add('numbers', `${method} /api/admin/banners/${id}`, { method, path: `/api/admin/banners/${id}`, headers: admin });
    }
    add('numbers', `PATCH /api/admin/banners/${id} with a valid body`, {
      method: 'PATCH',
      path: `/api/admin/banners/${id}`,
      headers: { ...admin, ...JSON_TYPE },
      body: JSON.stringify({ orders: 5 }),
    });
  }
  for (const value of ['NaN', 'Infinity', '-1', '0', '1e400', '1.5', '1e21', '', 'ten']) {
    for (const parameter of ['page', 'limit']) {
      asAdmin('numbers', 'GET', `/api/admin/banners?${parameter}=${value}`);
    }
    asAdmin('numbers', 'GET', `/api/admin/tasks?limit=${value}`);
  }
  const numberBodies: [Route, string][] = [
    [CREATE_BANNER, JSON.stringify({ ...VALID_BANNER, orders: 1e300 })],
    [CREATE_BANNER, `{"name":"a","image":"/media/banner/1.png","link":"/","orders":1e400}`],
    [CREATE_BANNER, JSON.stringify({ ...VALID_BANNER, orders: -1e300 })],
    [CREATE_BANNER, JSON.stringify({ ...VALID_BANNER, orders: 1_000_001 })],
    [CREATE_BANNER, JSON.stringify({ ...VALID_BANNER, orders: Number.MAX_SAFE_INTEGER + 2 })],
    [updateBanner, JSON.stringify({ orders: 1e300 })],
    [updateBanner, '{"orders":-1e400}'],
    [ENQUEUE, JSON.stringify({ ...VALID_TASK, countdown: 1e300 })],
    [ENQUEUE, `{"name":"add","args":[1,2],"countdown":1e400}`],
    [ENQUEUE, JSON.stringify({ ...VALID_TASK, countdown: -1 })],
    [ENQUEUE, `{"name":"add","args":[1e400,1]}`],
    [ENQUEUE, `{"name":"add","kwargs":{"n":-1e400,"m":1}}`],
    [ENQUEUE, JSON.stringify({ ...VALID_TASK, eta: '+275760-09-13T00:00:00.001Z' })],
    [ENQUEUE, JSON.stringify({ ...VALID_TASK, eta: '99999-01-01T00:00:00Z' })],
  ];
  for (const [route, body] of numberBodies) jsonTo('numbers', route, body, body);

  // Hostile strings: SQL injection, path traversal, unicode and control characters.
  const hostileStrings = [
    "1' OR '1'='1",
    '1; DROP TABLE banners; --',
    '1 UNION SELECT * FROM mysql.user',
    '../../../../etc/passwd',
    '..%2F..%2F..%2Fetc%2Fpasswd',
    '%00',
    '%0d%0aSet-Cookie:%20x=1',
    '%E2%80%AE1',
    '%EF%BC%91',
    '%D9%A1',
    '%F0%9F%98%80',
    '*',
  ];
  for (const value of hostileStrings) {
    const encoded = /%/.test(value) ? value : encodeURIComponent(value);
    asAdmin('strings', 'GET', `/api/admin/banners/${encoded}`);
    asAdmin('strings', 'GET', `/api/admin/tasks/${encoded}`);
    asAdmin('strings', 'DELETE', `/api/admin/tasks/${encoded}`);
    asAdmin('strings', 'GET', `/api/admin/tasks?state=${encoded}`);
    asAdmin('strings', 'GET', `/api/admin/banners?page=${encoded}`);
  }
  const fieldStrings: [string, string][] = [
    ['image', '../../../../etc/passwd.png'],
    ['image', '/media/../../etc/passwd.png'],
    ['image', '/media/%2e%2e/secret.png'],
    ['image', "/media/1.png' OR '1'='1"],
    ['image', '/media/banner/1.png\u0000.html'],
    ['image', '/media/banner/\u202egnp.exe'],
    ['link', 'javascript:alert(document.cookie)'],
    ['link', '//evil.example/'],
    ['link', '/a\r\nSet-Cookie: x=1'],
    ['link', "/'; DROP TABLE banners; --"],
    ['link', 'file:///etc/passwd'],
    ['name', '\u0000'.repeat(65)],
    ['name', '😀'.repeat(65)],
    ['name', ' \t\r\n '],
    ['info', "'; DROP TABLE banners; --".repeat(50)],
  ];
  for (const [field, value] of fieldStrings) {
    const label = `${field}: ${JSON.stringify(value).slice(0, 60)}`;
    jsonTo('strings', CREATE_BANNER, label, JSON.stringify({ ...VALID_BANNER, [field]: value }));
    jsonTo('strings', updateBanner, label, JSON.stringify({ [field]: value }));
  }

  // Task names and ids that name no task.
  const bogusNames = [
    ...['nope', 'ADD', 'add ', ' add', '../add', '添加', 'bull:default:1', "add' OR '1'='1", 'x'.repeat(10_000)],
    ...['__proto__', 'constructor', 'toString', 'hasOwnProperty'],
  ];
  for (const name of bogusNames) {
    const label = `the task name ${JSON.stringify(name).slice(0, 40)}`;
    jsonTo('bogus tasks', ENQUEUE, label, JSON.stringify({ name, args: [1, 2] }), 404);
  }
  const bogusIds = [
    '00000000-0000-0000-0000-000000000000',
    '5b0c6c1e-4f7a-4c36-9a53-2f1d8e3b9f10',
    taskId.toUpperCase().replace(/.$/, '0'),
    `${taskId}x`,
    taskId.slice(1),
    'not-a-uuid',
    '1',
    'undefined',
    'null',
    '__proto__',
    'bull%3Adefault%3A1',
    'a'.repeat(99),
  ];
  for (const id of bogusIds) {
    for (const method of ['GET', 'DELETE']) {
      asAdmin('bogus tasks', method, `/api/admin/tasks/${id}`, 404, `${method} /api/admin/tasks/${id.slice(0, 40)}`);
    }
  }
  asAdmin('bogus tasks', 'GET', `/api/admin/tasks/${'a'.repeat(150)}`, 414, 'GET /api/admin/tasks/<150 characters>');
  const refreshWithArgument = JSON.stringify({ name: 'update_banner_list', args: [1] });
  jsonTo('bogus tasks', ENQUEUE, 'update_banner_list and an argument', refreshWithArgument, 400);

  // Content types the routes do not take, or that carry nothing valid.
  const contentTypes: [string, string][] = [
    ['application/xml', '<banner><name>x</name></banner>'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--x--\r\n'],
    ['application/octet-stream', '\u0000\u0001\u0002'],
    ['application/vnd.api+json', JSON.stringify({ data: VALID_BANNER })],
    ['image/png', '\u0089PNG'],
    ['text/html', '<script>alert(1)</script>'],
    ['application/javascript', 'alert(1)'],
    ['', JSON.stringify(VALID_BANNER)],
  ];
  for (const [route, valid] of bodyRoutes) {
    const [method, path] = route;
    for (const [type, body] of contentTypes) {
      const headers = { ...admin, 'content-type': type };
      add('content types', `${method} ${path} as ${JSON.stringify(type)}`, { method, path, headers, body });
    }
    add('content types', `${method} ${path} with valid JSON as text/plain`, {
      method,
      path,
      headers: { ...admin, 'content-type': 'text/plain' },
      body: JSON.stringify(valid),
    });
    add('content types', `${method} ${path} with a form missing fields`, {
      method,
      path,
      headers: { ...admin, 'content-type': 'application/x-www-form-urlencoded' },
      body: route[0] === 'PATCH' ? 'orders=5' : 'link=%2F',
    });
  }
  for (const route of bodylessWrites) {
    const [method, path] = route;
    const headers = { ...admin, 'content-type': 'application/xml' };
    add('content types', `${method} ${path} with an XML body`, { method, path, headers, body: '<x/>' });
  }

  // Methods a path does not serve: Nest's JSON 404, whatever the path.
  const methods: [string, string[], Record<string, string>][] = [
    ['/api/health', ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'], {}],
    ['/api/health/ready', ['POST', 'DELETE'], {}],
    ['/metrics', ['POST', 'PUT', 'DELETE'], {}],
    ['/api/home/banners', ['POST', 'PUT', 'PATCH', 'DELETE'], {}],
    ['/api/docs', ['POST', 'DELETE'], {}],
    ['/api/docs-json', ['POST', 'PUT'], {}],
    ['/api/admin/banners', ['PUT', 'PATCH', 'DELETE'], admin],
    [banner, ['POST', 'PUT'], admin],
    ['/api/admin/cache/banners/refresh', ['GET', 'PUT', 'DELETE'], admin],
    ['/api/admin/cache/banners', ['GET', 'POST', 'PUT', 'PATCH'], admin],
    ['/api/admin/tasks', ['PUT', 'PATCH', 'DELETE'], admin],
    [task, ['POST', 'PUT', 'PATCH'], admin],
    ['/api/admin/schedules', ['POST', 'PUT', 'DELETE'], admin],
    ['/admin/queues', ['POST', 'DELETE'], { authorization: basic(`admin:${token}`) }],
    ['/api/nothing-here', ['GET'], admin],
  ];
  for (const [path, verbs, headers] of methods) {
    for (const method of verbs) add('methods', `${method} ${path}`, { method, path, headers, status: 404 });
  }

  // Paths that climb out of the static roots, or are not valid URLs.
  const paths = [
    '/media/../../../etc/passwd',
    '/media/%2e%2e/%2e%2e/package.json',
    '/media/..%2f..%2fpackage.json',
    '/media/banner/1.png%00.html',
    '/media/banner/nothing.png',
    '/api/docs/%2e%2e/%2e%2e/package.json',
    '/api/../package.json',
    '/..%5c..%5cpackage.json',
    '/index.html/../../package.json',
    '/api/admin/banners/%E0%A4%A',
    '/api/health/%ff',
    '/api/home/banners%',
    '/admin/queues/static/../../../../package.json',
  ];
  for (const path of paths) add('paths', `GET ${path}`, { method: 'GET', path, headers: admin });

  // What node:http will not send: Node's parser refuses it before any route.
  const health = 'GET /api/health HTTP/1.1';
  const enqueue = 'POST /api/admin/tasks HTTP/1.1';
  const raw: [string, string][] = [
    ['a control character in a header value', bytes(health, ['X-Note: a\u0001b'])],
    ['a NUL in a header value', bytes(health, ['X-Note: a\u0000b'])],
    ['a control character in the admin token', bytes(`DELETE ${banner} HTTP/1.1`, [`Authorization: Bearer ${token}\u0007`])],
    ['a control character in X-Request-Id', bytes(health, ['X-Request-Id: a\u001bb'])],
    ['a space in a header name', bytes(health, ['X Note: 1'])],
    ['a bracket in a header name', bytes(health, ['X(Note): 1'])],
    ['a garbage request line', 'GARBAGE\r\n\r\n'],
    ['an unknown HTTP version', bytes('GET /api/health HTTP/9.9')],
    ['an unknown method', bytes('FOO /api/health HTTP/1.1')],
    ['a control character in the path', bytes('GET /api/health\u0001 HTTP/1.1')],
    ['a space in the path', bytes('GET /api/he alth HTTP/1.1')],
    ['20 KB of headers', bytes(health, [`X-Big: ${'a'.repeat(20_000)}`])],
    ['two different Content-Lengths', bytes(enqueue, ['Content-Length: 2', 'Content-Length: 3'], '{}')],
    ['Content-Length and Transfer-Encoding', bytes(enqueue, ['Content-Length: 2', 'Transfer-Encoding: chunked'], '{}')],
    ['a negative Content-Length', bytes(enqueue, ['Content-Length: -1'])],
    ['a non-numeric Content-Length', bytes(enqueue, ['Content-Length: abc'])],
    ['a bad chunk size', bytes(enqueue, ['Content-Type: application/json', 'Transfer-Encoding: chunked'], 'zz\r\n{}\r\n0\r\n\r\n')],
  ];
  for (const [label, head] of raw) add('raw HTTP', label, { method: '', path: '', raw: { head } });

  // Headers sent one byte a second: cut off with a 408 once the headers timeout passes.
  const slowHeads: [string, string][] = [
    ['GET /api/health', bytes('GET /api/health HTTP/1.1', [`X-Slow: ${'a'.repeat(30)}`])],
    ['POST /api/admin/tasks with the token', bytes(enqueue, [adminLine, 'Content-Type: application/json', `X-Slow: ${'a'.repeat(30)}`])],
    ['GET /admin/queues', bytes('GET /admin/queues HTTP/1.1', [`X-Slow: ${'a'.repeat(30)}`])],
  ];
  for (const [label, slowHead] of slowHeads) {
    add('slow headers', label, { method: '', path: '', raw: { head: slowHead, trickleMs: 1_000 }, status: 408 });
  }

  // Control characters and bidirectional overrides in every text field: a 400 naming the field.
  const controls: [string, string][] = [
    ['NUL', '\u0000'],
    ['SOH', '\u0001'],
    ['ESC', '\u001b'],
    ['DEL', '\u007f'],
    ['CR', '\r'],
  ];
  const bidi: [string, string][] = [
    ['RIGHT-TO-LEFT OVERRIDE', '\u202e'],
    ['LEFT-TO-RIGHT EMBEDDING', '\u202a'],
    ['LEFT-TO-RIGHT ISOLATE', '\u2066'],
    ['POP DIRECTIONAL ISOLATE', '\u2069'],
  ];
  const bannerText: Record<string, (mark: string) => string> = {
    name: (mark) => `Sale${mark}`,
    image: (mark) => `/media/banner/${mark}1.png`,
    link: (mark) => `/sale${mark}`,
    info: (mark) => `Info${mark}`,
  };
  const inTextFields = (category: string, marks: [string, string][]) => {
    for (const [label, mark] of marks) {
      for (const [field, value] of Object.entries(bannerText)) {
        // info is free text: tab and newline belong there.
        if (field === 'info' && (mark === '\t' || mark === '\n')) continue;
        jsonTo(category, CREATE_BANNER, `${label} in ${field}`, JSON.stringify({ ...VALID_BANNER, [field]: value(mark) }), 400);
        jsonTo(category, updateBanner, `${label} in ${field}`, JSON.stringify({ [field]: value(mark) }), 400);
      }
      jsonTo(category, ENQUEUE, `${label} in the task name`, JSON.stringify({ name: `add${mark}`, args: [1, 2] }), 400);
      jsonTo(category, ENQUEUE, `${label} in eta`, JSON.stringify({ ...VALID_TASK, eta: `2030-05-01T10:00:00Z${mark}` }), 400);
      asAdmin(category, 'GET', `/api/admin/tasks?name=add${encodeURIComponent(mark)}`, 400, `GET /api/admin/tasks?name= with ${label}`);
    }
  };
  inTextFields('control characters', [...controls, ['TAB', '\t'], ['LF', '\n']]);
  inTextFields('bidi overrides', bidi);

  // Query strings that try to reach a prototype: refused as unknown parameters.
  for (const query of ['__proto__=1', '__proto__[admin]=1', 'constructor[prototype][admin]=1', '__proto__.admin=1', 'page=1&__proto__=1']) {
    asAdmin('query strings', 'GET', `/api/admin/banners?${query}`, 400);
    asAdmin('query strings', 'GET', `/api/admin/tasks?${query}`, 400);
  }

  // Credentials in unusual shapes.
  add('credentials', 'lowercase bearer with a wrong token', {
    method: 'GET',
    path: '/api/admin/banners',
    headers: { authorization: `bearer ${'0'.repeat(token.length)}` },
    status: 403,
  });
  // The scheme is case-insensitive: the token is taken, and the invalid body is what is refused.
  add('credentials', 'lowercase bearer with the token and an invalid body', {
    method: 'POST',
    path: '/api/admin/banners',
    headers: { authorization: `bearer ${token}`, ...JSON_TYPE },
    body: '{}',
    status: 400,
  });
  for (const [method, path] of [CREATE_BANNER, ['GET', '/api/admin/banners'] as Route, ['DELETE', banner] as Route]) {
    add('credentials', `${method} ${path} with two Authorization headers, the token twice`, {
      method: '',
      path: '',
      raw: { head: bytes(`${method} ${path} HTTP/1.1`, [adminLine, adminLine, 'Content-Length: 0']) },
      status: 400,
    });
    add('credentials', `${method} ${path} with two Authorization headers, a wrong one first`, {
      method: '',
      path: '',
      raw: { head: bytes(`${method} ${path} HTTP/1.1`, ['Authorization: Bearer wrong', adminLine, 'Content-Length: 0']) },
      status: 400,
    });
    for (const parameter of ['access_token', 'token', 'authorization']) {
      add('credentials', `${method} ${path} with the token in ?${parameter}=`, {
        method,
        path: `${path}?${parameter}=${token}`,
        headers: withBody([method, path]) ? JSON_TYPE : {},
        body: withBody([method, path]) && JSON.stringify(VALID_BANNER),
        status: 401,
      });
    }
  }

  // Paths encoded twice: never decoded twice, so they name nothing.
  const doubleEncoded: [string, number][] = [
    ['/api/%2561dmin/banners', 404],
    ['/%2561pi/admin/banners', 404],
    ['/media/%252e%252e/%252e%252e/package.json', 404],
    ['/media/banner/%252e%252e%252f%252e%252e%252fpackage.json', 404],
    ['/api/admin/banners/%2531', 400],
    ['/api/admin/tasks/%2561', 404],
    ['/admin/queues/%252e%252e/%252e%252e/package.json', 404],
  ];
  for (const [path, status] of doubleEncoded) add('double-encoded paths', `GET ${path}`, { method: 'GET', path, headers: admin, status });

  return cases;
}
