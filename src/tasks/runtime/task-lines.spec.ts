import { expect } from '@jest/globals';
import pino, { type LoggerOptions } from 'pino';
import { REDACTED_PATHS } from '../../logging/root-logger';
import { TaskLines } from './task-lines';

/** A child logger as the worker's, writing into `lines`. */
function workerLogger(lines: string[], options: LoggerOptions = {}) {
  const stream = { write: (line: string) => void lines.push(line) };
  return pino({ base: { pid: 42, role: 'worker' }, ...options }, stream).child({ context: 'TasksProcessor' });
}

/** The time field, the one part two loggers cannot share. */
const withoutTime = (lines: string[]) => lines.map((line) => line.replace(/,"time":("[^"]*"|\d+)/, ',"time":0'));

describe('TaskLines', () => {
  const id = '3b241101-e2bb-4255-8caf-4136c566a962';

  it.each([
    ['the worker', { redact: REDACTED_PATHS }],
    ['a level formatter', { formatters: { level: (label: string) => ({ severity: label }) } }],
    ['an ISO time', { timestamp: pino.stdTimeFunctions.isoTime }],
    ['a redaction of a task field', { redact: ['taskId'] }],
    ['a log formatter', { formatters: { log: (fields: object) => ({ ...fields, extra: true }) } }],
    ['a mixin', { mixin: () => ({ mixed: 1 }) }],
    [
      'a log method hook',
      {
        hooks: {
          logMethod(this: pino.Logger, args: [object, string], method: pino.LogFn) {
            method.apply(this, [{ ...args[0], hooked: true }, args[1]]);
          },
        },
      },
    ],
    ['a serializer of a task field', { serializers: { task: (name: string) => name.toUpperCase() } }],
    ['another message key', { messageKey: 'message' }],
  ] as [string, LoggerOptions][])("writes pino's own lines for a logger with %s", (_, options) => {
    const expected: string[] = [];
    const pinoLogger = workerLogger(expected, options);
    pinoLogger.info({ taskId: id, task: 'add', attempt: 1 }, 'Task started');
    pinoLogger.info({ taskId: id, task: 'emails "urgent"', attempt: 2 }, 'Task succeeded');
    const lines: string[] = [];
    const sut = new TaskLines(workerLogger(lines, options));

    sut.write('Task started', id, 'add', 1);
    sut.write('Task succeeded', id, 'emails "urgent"', 2);

    expect(withoutTime(lines)).toEqual(withoutTime(expected));
  });

  it("builds the worker's lines itself, without pino's generic path", () => {
    const logger = workerLogger([], { redact: REDACTED_PATHS });
    const info = jest.spyOn(logger, 'info');
    new TaskLines(logger).write('Task started', id, 'add', 1);
    expect(info).not.toHaveBeenCalled();
  });

  it('writes nothing when info is off, also once it is turned off', () => {
    const lines: string[] = [];
    const logger = workerLogger(lines, { level: 'warn' });
    new TaskLines(logger).write('Task started', id, 'add', 1);
    expect(lines).toEqual([]);

    const later = workerLogger(lines);
    const sut = new TaskLines(later);
    later.level = 'error';
    sut.write('Task started', id, 'add', 1);
    expect(lines).toEqual([]);
  });
});
