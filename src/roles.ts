export const ROLES = ['api', 'worker', 'beat'] as const;
export type Role = (typeof ROLES)[number];

/** `all` stands for every role: the whole system in one process. */
const ALL = 'all';

export class UnknownRoleError extends Error {
  constructor(received: string) {
    super(`Unknown role "${received}": valid roles are ${[...ROLES, ALL].join(', ')} (a comma list combines them)`);
    this.name = 'UnknownRoleError';
  }
}

/**
 * Parses the value of `--role` (`api`, `worker,beat`, `all`…); no value means `all`.
 * @throws UnknownRoleError when a name is not a role.
 */
export function parseRoles(value: string | undefined): ReadonlySet<Role> {
  if (value === undefined) return new Set(ROLES);
  const names = value.split(',').map((name) => name.trim());
  const roles = new Set<Role>();
  for (const name of names) {
    if (name === ALL) ROLES.forEach((role) => roles.add(role));
    else if ((ROLES as readonly string[]).includes(name)) roles.add(name as Role);
    else throw new UnknownRoleError(name);
  }
  return roles;
}
