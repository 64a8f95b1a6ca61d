import Fastify, { type FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/app-config';
import { HttpSecurity } from './http-security';
import type { LoginThrottle } from './login-throttle';

const config = {
  admin: { token: 'a-token-of-sixteen-or-more' },
  banner: { mediaBaseUrl: 'http://127.0.0.1:3000/media' },
  throttle: { enqueuesPerMinute: 600, loginFailuresPerMinute: 20 },
} as AppConfig;

describe('HttpSecurity', () => {
  let fastify: FastifyInstance;

  beforeEach(() => {
    fastify = Fastify();
    const sut = new HttpSecurity(config, {} as LoginThrottle);
    sut.register(fastify, { adminPaths: ['/metrics'], sharedPrefix: '/media/' });
  });

  afterEach(() => fastify.close());

  // The enqueues are counted with the admin login: outside an admin route they would not be.
  it('refuses @Enqueues() on a route that is not an admin route', () => {
    const answer = () => 'ok';

    expect(() => fastify.post('/api/home/enqueue', { config: { enqueues: true } }, answer)).toThrow(
      'POST /api/home/enqueue is marked @Enqueues() but is not an admin route',
    );
    expect(() => fastify.post('/api/admin/tasks', { config: { enqueues: true } }, answer)).not.toThrow();
    expect(() => fastify.post('/metrics', { config: { enqueues: true } }, answer)).not.toThrow();
    expect(() => fastify.post('/api/home/read', answer)).not.toThrow();
  });
});
