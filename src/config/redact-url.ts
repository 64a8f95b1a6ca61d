/**
 * A URL (or what was meant to be one) as it may be printed: the password in its user info becomes
 * `***`. Works on text that does not parse as a URL too (a space in the password, a missing
 * scheme), since that is exactly what a configuration error shows. With a user but no password
 * the whole user info goes, as some servers take a bare token there.
 */
export function redactUrl(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  const schemeEnd = value.indexOf('://');
  const start = schemeEnd >= 0 && schemeEnd < at ? schemeEnd + 3 : 0;
  const userInfo = value.slice(start, at);
  const colon = userInfo.indexOf(':');
  const shown = colon < 0 ? '***' : `${userInfo.slice(0, colon)}:***`;
  return `${value.slice(0, start)}${shown}${value.slice(at)}`;
}
