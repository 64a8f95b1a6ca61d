import { Global, Module } from '@nestjs/common';
import { HeapTrimmer } from './heap-trimmer';
import { WorkInFlight } from './work-in-flight';

/**
 * Memory housekeeping of a long-running process: the heap given back once idle ({@link HeapTrimmer}).
 * Global, so that whatever runs work (the worker's processor) reports it to {@link WorkInFlight}.
 */
@Global()
@Module({ providers: [HeapTrimmer, WorkInFlight], exports: [WorkInFlight] })
export class MemoryModule {}
