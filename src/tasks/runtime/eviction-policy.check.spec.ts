import { evictionWarning } from './eviction-policy.check';

describe('evictionWarning', () => {
  it('says nothing when every node is noeviction', () => {
    expect(evictionWarning([{ policy: 'noeviction' }])).toBeUndefined();
    expect(
      evictionWarning([
        { node: 'a:1', policy: 'noeviction' },
        { node: 'b:2', policy: 'noeviction' },
      ]),
    ).toBeUndefined();
  });

  it('names the policy, the variable and the fix for a single Redis', () => {
    const sut = evictionWarning([{ policy: 'allkeys-lru' }]);

    expect(sut).toContain('The queue Redis (QUEUE_REDIS_URL) has maxmemory-policy allkeys-lru:');
    expect(sut).toContain('Set maxmemory-policy noeviction on it');
  });

  it('groups the cluster nodes that may evict by policy and leaves out the safe ones', () => {
    const sut = evictionWarning([
      { node: 'a:1', policy: 'allkeys-lru' },
      { node: 'b:2', policy: 'noeviction' },
      { node: 'c:3', policy: 'volatile-ttl' },
      { node: 'd:4', policy: 'allkeys-lru' },
    ]);

    expect(sut).toContain('has maxmemory-policy allkeys-lru (a:1, d:4), volatile-ttl (c:3):');
  });
});
