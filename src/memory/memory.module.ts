import { Module } from '@nestjs/common';
import { HeapTrimmer } from './heap-trimmer';

/** Memory housekeeping of a long-running process: the heap given back once idle ({@link HeapTrimmer}). */
@Module({ providers: [HeapTrimmer] })
export class MemoryModule {}
