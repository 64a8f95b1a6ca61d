// The floor under every role: Node, an empty Nest application context, and a Bull queue with a
// processor on the broker (ioredis), with nothing of the application. Plain JavaScript, so that
// Node's TypeScript stripping (about 17 MB of resident memory) is not counted in it. Nest is loaded
// as the roles load it, without its console logger's date formatters (ICU's date data, about 7 MB)
// or undici (dist/memory/nest-load.js).
'use strict';
require('reflect-metadata');
require('../../dist/memory/nest-load.js').loadNest();
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const Queue = require('bull');

class EmptyModule {}
Module({})(EmptyModule);

async function main() {
  const app = await NestFactory.createApplicationContext(EmptyModule, { logger: false });
  await app.init();
  const url = new URL(process.env.QUEUE_REDIS_URL ?? '');
  const queue = new Queue('default', {
    redis: { host: url.hostname, port: Number(url.port), db: Number(url.pathname.slice(1) || 0) },
    prefix: process.env.QUEUE_PREFIX,
  });
  void queue.process('*', 1, () => Promise.resolve());
  await queue.isReady();
  // The parent's exit closes the channel: so must this child.
  process.on('disconnect', () => process.exit(0));
  process.send({ id: 0, body: 'ready' });
}

void main();
