import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { callBroker } from './broker-call';
import { QUEUES, TaskQueues } from './queues';

/** The only policy under which Redis never drops a key to make room: queued jobs must not vanish. */
const SAFE_POLICY = 'noeviction';

/** One node's policy; `node` is its address in a cluster, unset for a single Redis. */
export interface NodePolicy {
  readonly node?: string;
  readonly policy: string;
}

/** The one warning line for nodes that may evict, grouped by policy; undefined when none may. */
export function evictionWarning(policies: readonly NodePolicy[]): string | undefined {
  const evicting = policies.filter(({ policy }) => policy !== SAFE_POLICY);
  if (evicting.length === 0) return undefined;
  const found = [...new Set(evicting.map(({ policy }) => policy))]
    .map((policy) => {
      const nodes = evicting.filter((each) => each.policy === policy && each.node).map(({ node }) => node);
      return nodes.length > 0 ? `${policy} (${nodes.join(', ')})` : policy;
    })
    .join(', ');
  return (
    `The queue Redis (QUEUE_REDIS_URL) has maxmemory-policy ${found}: when memory runs short it can evict queued ` +
    `jobs and results. Set maxmemory-policy ${SAFE_POLICY} on it, and keep the cache (REDIS_URL) on a Redis of its own with an LRU policy`
  );
}

async function policyOf(client: Redis): Promise<string> {
  const [, policy] = (await client.config('GET', 'maxmemory-policy')) as string[];
  return policy;
}

async function readPolicies(client: Redis | Cluster): Promise<NodePolicy[]> {
  if (!client.isCluster) return [{ policy: await policyOf(client as Redis) }];
  return Promise.all(
    (client as Cluster)
      .nodes('master')
      .map(async (node) => ({ node: `${node.options.host}:${node.options.port}`, policy: await policyOf(node) })),
  );
}

/**
 * Warns at start when the queue Redis may evict keys (taskforcesh/bullmq#1046): an LRU policy,
 * right for a cache, silently drops queued jobs and results when memory runs short. Checks every
 * master of a cluster. Managed Redis often refuses CONFIG; then it says it could not check.
 */
@Injectable()
export class EvictionPolicyCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(EvictionPolicyCheck.name);

  constructor(
    private readonly queues: TaskQueues,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: an unreachable queue Redis must not hold up the start (readiness reports it).
    void this.check();
  }

  private async check(): Promise<void> {
    const client = this.queues.failFast(QUEUES.default).client as Redis | Cluster;
    let policies: NodePolicy[];
    try {
      policies = await callBroker(client as Redis, this.config.queue.timeoutMs, 'read maxmemory-policy', () => readPolicies(client));
    } catch (error) {
      this.logger.log(
        `Could not check the maxmemory-policy of the queue Redis (QUEUE_REDIS_URL): ${(error as Error).message}. It must be ${SAFE_POLICY}`,
      );
      return;
    }
    const warning = evictionWarning(policies);
    if (warning) this.logger.warn(warning);
    else this.logger.debug(`The queue Redis has maxmemory-policy ${SAFE_POLICY}`);
  }
}
