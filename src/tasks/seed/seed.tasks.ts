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
