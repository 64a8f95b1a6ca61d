import { Controller, Get, Param, Post, Query, UseGuards, UseInterceptors, type CanActivate } from '@nestjs/common';
import { MetadataScanner } from '@nestjs/core';
import { parseConfig } from '../config/app-config';
import { CacheResponse, type ResponseCachePolicy } from './cache-response.decorator';
import { CachedRoutes, fastPathRouteOf } from './cached-routes';
import { HttpCacheInterceptor } from './http-cache.interceptor';

const POLICY: ResponseCachePolicy = { key: 'spec', ttlMs: () => 1_000, clientMaxAgeSeconds: () => 1 };

class AllowAll implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}
class OtherInterceptor {
  intercept(): never {
    throw new Error('not called');
  }
}

@Controller('/things/')
@UseInterceptors(HttpCacheInterceptor)
class ThingsController {
  @Get('list')
  @CacheResponse(POLICY)
  list(): string[] {
    return [];
  }

  @Get()
  @CacheResponse(POLICY)
  root(): string[] {
    return [];
  }

  @Get('uncached')
  uncached(): string[] {
    return [];
  }

  @Get('guarded')
  @UseGuards(AllowAll)
  @CacheResponse(POLICY)
  guarded(): string[] {
    return [];
  }

  @Get(':id')
  @CacheResponse(POLICY)
  byPath(): string[] {
    return [];
  }

  @Get('by-query')
  @CacheResponse(POLICY)
  byQuery(@Query('q') q: string): string[] {
    return [q];
  }

  @Get('by-param/:id')
  @CacheResponse(POLICY)
  byParam(@Param('id') id: string): string[] {
    return [id];
  }

  @Post('write')
  @CacheResponse(POLICY)
  write(): string[] {
    return [];
  }

  @Get('also-intercepted')
  @UseInterceptors(OtherInterceptor)
  @CacheResponse(POLICY)
  alsoIntercepted(): string[] {
    return [];
  }
}

@Controller('guarded')
@UseGuards(AllowAll)
@UseInterceptors(HttpCacheInterceptor)
class GuardedController {
  @Get('list')
  @CacheResponse(POLICY)
  list(): string[] {
    return [];
  }
}

@Controller('plain')
class WithoutInterceptorController {
  @Get('list')
  @CacheResponse(POLICY)
  list(): string[] {
    return [];
  }
}

describe('fastPathRouteOf', () => {
  it('takes a public cached GET without parameters, with its full URL and policy', () => {
    expect(fastPathRouteOf(ThingsController, 'list', 'api')).toEqual({ url: '/api/things/list', policy: POLICY, methodName: 'list' });
    expect(fastPathRouteOf(ThingsController, 'root', 'api')?.url).toBe('/api/things');
    expect(fastPathRouteOf(ThingsController, 'list', '')?.url).toBe('/things/list');
  });

  it.each([
    ['no @CacheResponse', ThingsController, 'uncached'],
    ['a guard on the method', ThingsController, 'guarded'],
    ['a guard on the controller', GuardedController, 'list'],
    ['a path parameter', ThingsController, 'byPath'],
    ['a handler argument', ThingsController, 'byQuery'],
    ['a path parameter read by the handler', ThingsController, 'byParam'],
    ['another method than GET', ThingsController, 'write'],
    ['another interceptor', ThingsController, 'alsoIntercepted'],
    ['no HttpCacheInterceptor', WithoutInterceptorController, 'list'],
    ['not a method', ThingsController, 'missing'],
  ])('leaves a route with %s to the interceptor', (_, controller, method) => {
    expect(fastPathRouteOf(controller, method, 'api')).toBeUndefined();
  });
});

describe('CachedRoutes.mount', () => {
  const hooks = new Map<string, () => Promise<void>>();
  const fastify = {
    addHook: (name: string, hook: () => Promise<void>) => hooks.set(name, hook),
    hasRoute: () => false,
  };
  const discovery = { getControllers: () => [{ metatype: ThingsController, instance: new ThingsController() }] };
  const config = parseConfig({});

  it('returns the fast-path URLs, and fails the start when Nest registered no such route', async () => {
    const sut = new CachedRoutes(discovery as never, new MetadataScanner(), {} as never, config);

    expect(sut.mount(fastify as never, 'api', () => undefined)).toEqual(['/api/things/list', '/api/things']);
    await expect(hooks.get('onReady')!()).rejects.toThrow('Cached routes without a Nest route: /api/things/list, /api/things');
  });
});
