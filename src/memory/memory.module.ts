import { Global, Module } from '@nestjs/common';
import { HeapTrimmer } from './heap-trimmer';
import { UpcomingWork } from './upcoming-work';
import { WorkInFlight } from './work-in-flight';

/**
 * Memory housekeeping of a long-running process: the heap given back once idle ({@link HeapTrimmer}).
 * Global, so that whatever runs work reports it: the worker's processor to {@link WorkInFlight},
 * the beat its next claims to {@link UpcomingWork}.
 */
@Global()
@Module({ providers: [HeapTrimmer, WorkInFlight, UpcomingWork], exports: [WorkInFlight, UpcomingWork] })
export class MemoryModule {}
