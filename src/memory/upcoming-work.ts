import { Injectable } from '@nestjs/common';

/**
 * The moments a process knows work will start, such as a beat's next claim of a tick. The heap
 * trim's pause would hold that work up, so a trim due just before it runs just after it instead
 * (HeapTrimmer).
 */
@Injectable()
export class UpcomingWork {
  private readonly due = new Map<string, number>();

  /**
   * The work named `key` starts at `at` (ms since the epoch), replacing the moment it had. Until the
   * next call for the same key the moment stays, past as well: the work is under way from then.
   */
  expect(key: string, at: number): void {
    this.due.set(key, at);
  }

  /** The earliest moment any work expects, or undefined when none does. */
  next(): number | undefined {
    let earliest: number | undefined;
    for (const at of this.due.values()) if (earliest === undefined || at < earliest) earliest = at;
    return earliest;
  }
}
