import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { EnqueueTaskDto } from './enqueue-task.dto';

/** Validates like the global ValidationPipe does: transform, whitelist, refuse unknown fields. */
async function errorsOf(plain: object): Promise<string[]> {
  const errors = await validate(plainToInstance(EnqueueTaskDto, plain), { whitelist: true, forbidNonWhitelisted: true });
  return errors.flatMap((error) => Object.values(error.constraints ?? {}));
}

describe('EnqueueTaskDto', () => {
  it('accepts a name alone and every option', async () => {
    expect(await errorsOf({ name: 'add' })).toEqual([]);
    expect(await errorsOf({ name: 'add', args: [1], kwargs: { m: 2 }, countdown: 1.5 })).toEqual([]);
    expect(await errorsOf({ name: 'add', id: '5b0c6c1e-4f7a-4c36-9a53-2f1d8e3b9f10' })).toEqual([]);
    expect(await errorsOf({ name: 'add', softTimeLimit: 0.5, timeLimit: 1.5 })).toEqual([]);
  });

  it.each<[string, object, string]>([
    ['null args', { name: 'add', args: null }, 'args must be an array'],
    ['null kwargs', { name: 'add', kwargs: null }, 'kwargs must be an object'],
    ['a null countdown', { name: 'add', countdown: null }, 'countdown must not be less than 0'],
    ['a null eta', { name: 'add', eta: null }, 'eta must be a string'],
    ['a numeric id', { name: 'add', id: 5 }, 'id must be a string'],
    ['a time limit in a string', { name: 'add', timeLimit: '60' }, 'timeLimit must be a number conforming to the specified constraints'],
    [
      'a null soft time limit',
      { name: 'add', softTimeLimit: null },
      'softTimeLimit must be a number conforming to the specified constraints',
    ],
    ['an unknown field', { name: 'add', taskId: '5b0c6c1e-4f7a-4c36-9a53-2f1d8e3b9f10' }, 'property taskId should not exist'],
  ])('refuses %s', async (_, plain, message) => {
    expect(await errorsOf(plain)).toContain(message);
  });
});
