import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Counts the SQL statements one application sends that match, through a TypeORM subscriber on
 * its DataSource: unlike MySQL's server-wide `Com_select`, other tests on the same server do not
 * count.
 */
export class QueryCounter {
  private readonly queries: string[] = [];

  constructor(app: INestApplicationContext, pattern: RegExp) {
    app.get(DataSource).subscribers.push({
      beforeQuery: ({ query }) => {
        if (pattern.test(query)) this.queries.push(query);
      },
    });
  }

  get count(): number {
    return this.queries.length;
  }

  reset(): void {
    this.queries.length = 0;
  }
}

/** The home list query: a SELECT on `banners`. */
export const BANNER_SELECT = /^\s*SELECT\b[\s\S]*\bFROM `banners`/i;
