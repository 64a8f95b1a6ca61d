import type { OpenAPIObject } from '@nestjs/swagger';
import { markPublicOperations } from './openapi';

describe('markPublicOperations', () => {
  const document = (): OpenAPIObject => ({
    openapi: '3.0.0',
    info: { title: 'test', version: '1' },
    paths: {
      '/api/health': { get: { responses: {} }, head: { responses: {} } },
      '/api/admin/tasks': { post: { responses: {}, security: [{ bearer: [] }] }, get: { responses: {} } },
    },
  });

  it('gives every operation without a security requirement an empty one, and leaves the others', () => {
    const sut = markPublicOperations(document());

    expect(sut.paths['/api/health'].get?.security).toEqual([]);
    expect(sut.paths['/api/health'].head?.security).toEqual([]);
    expect(sut.paths['/api/admin/tasks'].post?.security).toEqual([{ bearer: [] }]);
    expect(sut.paths['/api/admin/tasks'].get?.security).toEqual([]);
  });
});
