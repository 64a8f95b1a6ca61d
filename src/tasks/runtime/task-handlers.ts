import type { TaskHandler } from './task.decorator';
import { TaskDeclarationError, type RegisteredTask } from './task.registry';

/** A provider as Nest's discovery reports it (an InstanceWrapper). */
export interface DiscoveredProvider {
  readonly instance: unknown;
  readonly metatype: unknown;
  isDependencyTreeStatic(): boolean;
}

/**
 * Pairs each registered task with the provider instance of its class, so that a worker never
 * starts without a handler for a task it may be given.
 * @throws TaskDeclarationError naming the class and what to fix.
 */
export function pairHandlers(tasks: readonly RegisteredTask[], providers: readonly DiscoveredProvider[]): ReadonlyMap<string, TaskHandler> {
  const handlers = new Map<string, TaskHandler>();
  for (const task of tasks) {
    // An isolated task's thread loads its class from its file (see isolated/isolated-handler.ts).
    if (task.isolated) continue;
    if (!task.target) {
      throw new TaskDeclarationError(
        `Task "${task.name}" is declared but no class marked @Task with its declaration is loaded in the worker: ` +
          'import the module that provides its handler for the worker role',
      );
    }
    const label = `Task "${task.name}" (class ${task.target.name})`;
    const matching = providers.filter(
      (provider) => provider.metatype === task.target || (provider.instance as object | undefined)?.constructor === task.target,
    );
    if (matching.length === 0) {
      throw new TaskDeclarationError(
        `${label} has no provider in the worker: add ${task.target.name} to the providers of its module ` +
          'and import that module for the worker role',
      );
    }
    if (matching.length > 1) throw new TaskDeclarationError(`${label} is provided by ${matching.length} modules: provide it once`);
    const [provider] = matching;
    if (!provider.isDependencyTreeStatic() || !provider.instance) {
      throw new TaskDeclarationError(`${label} must be a singleton provider, not request- or transient-scoped`);
    }
    handlers.set(task.name, provider.instance as TaskHandler);
  }
  return handlers;
}
