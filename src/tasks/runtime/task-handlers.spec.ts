import { pairHandlers, type DiscoveredProvider } from './task-handlers';
import { TASK_DEFAULTS, TaskDeclarationError, type RegisteredTask } from './task.registry';

class AddTask {
  run(): number {
    return 3;
  }
}

const ADD: RegisteredTask = { ...TASK_DEFAULTS, name: 'add', params: [], target: AddTask };

const provider = (instance: unknown, isStatic = true): DiscoveredProvider => ({
  instance,
  metatype: instance === undefined ? AddTask : (instance as object).constructor,
  isDependencyTreeStatic: () => isStatic,
});

describe('pairHandlers', () => {
  it('pairs each task with the instance of its class', () => {
    const handler = new AddTask();

    expect(pairHandlers([ADD], [provider({}), provider(handler)]).get('add')).toBe(handler);
  });

  it('refuses a task declared with declareTask() whose handler class is not loaded in the worker', () => {
    const sut = () => pairHandlers([{ ...ADD, target: undefined }], [provider(new AddTask())]);

    expect(sut).toThrow(TaskDeclarationError);
    expect(sut).toThrow('Task "add" is declared but no class marked @Task with its declaration is loaded in the worker');
  });

  it.each([
    ['no provider', [], 'Task "add" (class AddTask) has no provider in the worker: add AddTask to the providers of its module'],
    [
      'two providers',
      [provider(new AddTask()), provider(new AddTask())],
      'Task "add" (class AddTask) is provided by 2 modules: provide it once',
    ],
    ['a scoped provider', [provider(new AddTask(), false)], 'must be a singleton provider, not request- or transient-scoped'],
    ['no instance', [provider(undefined)], 'must be a singleton provider'],
  ])('refuses a task with %s, saying what to fix', (_, providers, message) => {
    const sut = () => pairHandlers([ADD], providers);

    expect(sut).toThrow(TaskDeclarationError);
    expect(sut).toThrow(message);
  });
});
