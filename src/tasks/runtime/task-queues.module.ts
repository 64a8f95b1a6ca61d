import { Module } from '@nestjs/common';
import Bull, { type Queue } from 'bull';
import { AppConfig } from '../../config/app-config';
import { brokerConnection, bullOptions } from './bull-options';
import { QueueClusterClients, QueueClusterModule } from './queue-cluster';
import { type QueueName, REGISTERED_QUEUES, TaskQueues } from './queues';
import { TaskLifecycle } from './task-lifecycle';
import { TaskRegistry } from './task.registry';
import { TasksRepository } from './tasks.repository';

/**
 * A queue over the same keys whose connection refuses commands while Redis is away and never
 * sends one again after a reconnection (see {@link TaskQueues}). Only its command connection is
 * ever opened: it adds and reads jobs, and processes none. On a Redis Cluster the registered queue
 * serves instead, or one like it where no worker registered it: ioredis's cluster client has no
 * such switch for its node connections.
 */
function failFastOf(config: AppConfig, cluster: QueueClusterClients, name: QueueName, registered?: Queue): Queue {
  if (config.queue.cluster) return registered ?? new Bull(name, bullOptions(config, cluster));
  const redis = { ...brokerConnection(config), enableOfflineQueue: false, autoResendUnfulfilledCommands: false };
  return new Bull(name, { prefix: config.queue.prefix, redis });
}

/**
 * The broker and result store: Bull on `QUEUE_REDIS_URL`, a single Redis or, with
 * `QUEUE_REDIS_CLUSTER=true`, a seed node of a Redis Cluster, with the task registry and the job
 * repository. The queues a worker consumes come from {@link RegisteredQueuesModule}, which only the
 * worker role imports. Internal to src/tasks: other modules import TasksModule and its facades.
 */
@Module({
  imports: [QueueClusterModule],
  providers: [
    {
      provide: TaskQueues,
      useFactory: (config: AppConfig, cluster: QueueClusterClients, registered: readonly Queue[] = []) =>
        new TaskQueues(registered, cluster, (name, queue) => failFastOf(config, cluster, name, queue)),
      inject: [AppConfig, QueueClusterClients, { token: REGISTERED_QUEUES, optional: true }],
    },
    TaskRegistry,
    TasksRepository,
    TaskLifecycle,
  ],
  exports: [TaskRegistry, TasksRepository, TaskQueues, TaskLifecycle],
})
export class TaskQueuesModule {}
