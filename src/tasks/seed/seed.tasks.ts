import { declareTask } from '../runtime/task.decorator';

/** The seed's `add(n, m)`. */
export const ADD = declareTask({
  name: 'add',
  params: [
    { name: 'n', type: 'number' },
    { name: 'm', type: 'number' },
  ],
});

/** The seed's `low(n, m)`. */
export const LOW = declareTask({
  name: 'low',
  params: [
    { name: 'n', type: 'number' },
    { name: 'm', type: 'number' },
  ],
});

/** The seed's `test_task(data)`. */
export const TEST_TASK = declareTask({ name: 'test_task', params: [{ name: 'data', type: 'any' }] });

/** Celery's `xsum(numbers)`: the body of its chord example. */
export const XSUM = declareTask({ name: 'xsum', params: [{ name: 'numbers', type: 'array' }] });

/**
 * `fib(n)`: the n-th Fibonacci number, computed the slow, exponential way on purpose: CPU-bound
 * work, which runs isolated in a thread of its own and never holds up the worker's event loop.
 */
export const FIB = declareTask({
  name: 'fib',
  params: [{ name: 'n', type: 'integer' }],
  isolated: true,
  handlerFile: require.resolve('./fib.task'),
});
