import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { BANNER_LIST_CACHE } from '../banner/banner-list.cache-policy';
import { BannerService } from '../banner/banner.service';
import { CachedRouteHook, type ErrorAnswer } from '../cache/cached-route.hook';
import { BANNERS_PATH, HOME_PATH } from './home.controller';

/** `GET /api/home/banners` answered from the response cache ahead of Nest's pipeline (see CachedRouteHook). */
@Injectable()
export class HomeFastPath {
  constructor(
    private readonly hook: CachedRouteHook,
    private readonly bannerService: BannerService,
  ) {}

  mount(fastify: FastifyInstance, globalPrefix: string, answerError: ErrorAnswer): void {
    const url = `/${globalPrefix}/${HOME_PATH}/${BANNERS_PATH}`;
    this.hook.mount(fastify, url, BANNER_LIST_CACHE, () => this.bannerService.homeList(), answerError);
  }
}
