/**
 * Whether Node was started with one of these V8 flags (given without their leading dashes, as in
 * `node --v8-options`), in its arguments or NODE_OPTIONS, with `-` or `_` between words and with or
 * without a `no-` or a value: a flag the user chose is left to rule.
 */
export function startedWithV8Flag(...names: readonly string[]): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const patterns = names.map((name) => new RegExp(`^--(no[-_])?${name.replace(/-/g, '[-_]')}(=|$)`));
  return flags.some((flag) => patterns.some((pattern) => pattern.test(flag)));
}
