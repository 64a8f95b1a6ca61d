import { loadWithLazyDateFormats } from './lazy-date-formats';
import { loadWithoutUndici } from './undici-free-load';

/**
 * Loads Nest before anything else requires it, leaving out what it would load for no role: its
 * console logger's date formatters ({@link loadWithLazyDateFormats}) and Node's fetch and
 * WebSocket client ({@link loadWithoutUndici}). Every process that runs the application loads
 * Nest through this first.
 */
export function loadNest(): void {
  loadWithLazyDateFormats(() =>
    loadWithoutUndici(() => {
      require('@nestjs/common');
      require('@nestjs/core');
    }),
  );
}
