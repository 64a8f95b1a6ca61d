import type { TaskState } from '../runtime/task-state';
import { stateFromTasks } from './workflow-state';

describe('stateFromTasks', () => {
  it.each<[TaskState[], string]>([
    [['PENDING', 'PENDING'], 'PENDING'],
    [['SUCCESS', 'PENDING'], 'STARTED'],
    [['RETRY', 'PENDING'], 'STARTED'],
    [['SUCCESS', 'STARTED'], 'STARTED'],
    [['REVOKED', 'SUCCESS'], 'REVOKED'],
    [['REVOKED', 'FAILURE'], 'FAILURE'],
    [['SUCCESS', 'FAILURE', 'STARTED'], 'FAILURE'],
  ])('%j makes the workflow %s', (states, expected) => {
    expect(stateFromTasks(states.map((state) => ({ state })))).toBe(expected);
  });
});
