import { Injectable } from '@nestjs/common';

/**
 * The work a process has started and not finished, such as the tasks a worker runs. A process
 * that waits on I/O keeps a quiet event loop, yet the heap trim's pause would hold that work up:
 * the trim waits until there is none.
 */
@Injectable()
export class WorkInFlight {
  private count = 0;

  begin(): void {
    this.count++;
  }

  end(): void {
    this.count--;
  }

  get any(): boolean {
    return this.count > 0;
  }
}
