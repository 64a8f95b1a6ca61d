/**
 * The requests whose admin token the api's `onRequest` hook (HttpSecurity) has already found right,
 * so that AdminTokenGuard does not digest the same token a second time. Held weakly: a request is
 * forgotten with its object.
 */
const authenticated = new WeakSet<object>();

/** Notes that this request carries the right admin token. */
export function markAdminAuthenticated(request: object): void {
  authenticated.add(request);
}

/** Whether {@link markAdminAuthenticated} was called for this request. */
export function isAdminAuthenticated(request: object): boolean {
  return authenticated.has(request);
}
