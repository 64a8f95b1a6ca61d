import Bull, { type Job, type Queue } from 'bull';
import { readJobsWithoutTraceErrors } from './bull-workarounds';

/** A queue with Bull's own methods and no connection: `nextJobFromJobData` only builds the job. */
function offlineQueue(): Queue & { nextJobFromJobData(jobData: Record<string, string>, jobId: string): Job } {
  return Object.assign(Object.create(Bull.prototype as object) as object, {
    name: 'default',
    toKey: (type: string) => `bull:default:${type}`,
  }) as never;
}

/** The fields Redis holds for a job Bull has just taken: no stack trace until it fails. */
const freshJob = () => ({ name: 'add', data: '{"args":[1,2]}', opts: '{"attempts":3}', timestamp: '1', delay: '0', attemptsMade: '0' });

describe('readJobsWithoutTraceErrors', () => {
  afterEach(() => jest.restoreAllMocks());

  it('spares Bull the JSON.parse of a missing stack trace, which throws, and Bull reads the same empty list', () => {
    const bare = offlineQueue();
    const parse = jest.spyOn(JSON, 'parse');
    const bareJob = bare.nextJobFromJobData(freshJob(), '1');
    expect(parse.mock.calls.some(([text]) => text === undefined)).toBe(true);

    const sut = offlineQueue();
    readJobsWithoutTraceErrors(sut);
    parse.mockClear();
    const job = sut.nextJobFromJobData(freshJob(), '1');

    expect(parse.mock.calls.some(([text]) => text === undefined)).toBe(false);
    expect(job.stacktrace).toEqual([]);
    expect(job.stacktrace).toEqual(bareJob.stacktrace);
    expect(job.data).toEqual(bareJob.data);
  });

  it("keeps a failed job's stack traces", () => {
    const sut = offlineQueue();
    readJobsWithoutTraceErrors(sut);

    const job = sut.nextJobFromJobData({ ...freshJob(), stacktrace: '["Error: boom"]' }, '1');

    expect(job.stacktrace).toEqual(['Error: boom']);
  });
});
