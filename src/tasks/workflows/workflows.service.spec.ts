import { Logger } from '@nestjs/common';
import { TaskLifecycle } from '../runtime/task-lifecycle';
import type { TaskRegistry } from '../runtime/task.registry';
import type { TasksService } from '../tasks.service';
import type { AppConfig } from '../../config/app-config';
import type { IdempotencyKeys } from '../idempotency-keys';
import { compileCanvas, parseCanvas, WorkflowPlan } from './canvas';
import type { WorkflowStore } from './workflow.store';
import { WorkflowsService } from './workflows.service';

const WORKFLOW_ID = '6f1d2c3b-0a9e-4c8d-b7f6-5e4d3c2b1a09';

describe('WorkflowsService', () => {
  describe('onApplicationShutdown', () => {
    const root = compileCanvas(
      parseCanvas({
        group: [
          { name: 'add', args: [1, 1] },
          { name: 'add', args: [2, 2] },
        ],
      }),
      WORKFLOW_ID,
    );
    const [member] = new WorkflowPlan(root).tasks();
    const succeeded = {
      id: member.id,
      name: 'add',
      data: { args: [1, 1], kwargs: {}, eta: null, lineage: { workflowId: WORKFLOW_ID, parentId: null, node: member.path } },
      state: 'SUCCESS',
      result: 2,
    } as const;

    /** The service over a store whose count of a member answers when the test says. */
    function serviceWithCount(count: Promise<unknown[] | null>) {
      const lifecycle = new TaskLifecycle();
      const store = { plan: async () => JSON.stringify(root), countMember: jest.fn(() => count) };
      const service = new WorkflowsService(
        {} as TasksService,
        {} as TaskRegistry,
        store as unknown as WorkflowStore,
        lifecycle,
        {} as AppConfig,
        {} as IdempotencyKeys,
      );
      service.onModuleInit();
      return { service, lifecycle, store };
    }

    const settledWithin = async (promise: Promise<void>) => {
      let settled = false;
      void promise.then(() => (settled = true));
      await new Promise((resolve) => setImmediate(resolve));
      return settled;
    };

    it('waits for the count of a group member whose job did not wait for it', async () => {
      let answer!: (results: unknown[] | null) => void;
      const { service, lifecycle, store } = serviceWithCount(new Promise((resolve) => (answer = resolve)));

      await lifecycle.finished(succeeded);
      expect(store.countMember).toHaveBeenCalledWith(WORKFLOW_ID, root.path, 0, 2, 2);
      const shutdown = service.onApplicationShutdown();

      expect(await settledWithin(shutdown)).toBe(false);
      answer(null);
      expect(await settledWithin(shutdown)).toBe(true);
    });

    it('does not wait for a count that failed (the recovery makes it up), nor when none is under way', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { service, lifecycle } = serviceWithCount(Promise.reject(new Error('Connection is closed.')));

      await lifecycle.finished(succeeded);

      expect(await settledWithin(service.onApplicationShutdown())).toBe(true);
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ taskId: member.id }), expect.stringContaining('recovers it later'));
      warn.mockRestore();
      expect(await settledWithin(serviceWithCount(Promise.resolve(null)).service.onApplicationShutdown())).toBe(true);
    });
  });
});
