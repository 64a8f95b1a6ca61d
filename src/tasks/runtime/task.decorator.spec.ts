import { declaredTasks, declareTask, Task } from './task.decorator';

describe('declareTask and @Task', () => {
  it('knows a declared task before its handler is loaded, then pairs the handler with the same declaration', () => {
    const options = declareTask({ name: 'spec.declared', params: [] });

    expect(declaredTasks().filter(({ options: { name } }) => name === 'spec.declared')).toEqual([{ options }]);

    @Task(options)
    class DeclaredTask {
      run(): void {}
    }

    expect(declaredTasks().filter(({ options: { name } }) => name === 'spec.declared')).toEqual([{ options, target: DeclaredTask }]);
  });

  it('records a handler marked with its own options as a declaration of its own', () => {
    @Task({ name: 'spec.inline', params: [] })
    class InlineTask {
      run(): void {}
    }

    expect(
      declaredTasks()
        .filter(({ options: { name } }) => name === 'spec.inline')
        .map(({ target }) => target),
    ).toEqual([InlineTask]);
  });
});
