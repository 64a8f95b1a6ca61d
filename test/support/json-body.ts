/**
 * JSON bodies as the type a test expects of them. The cast is the test's claim about the body,
 * which the assertions that follow check; it keeps `any` out of the tests.
 */

/** A pino log line of the application: the fields the tests read. */
export interface LogLine {
  level: number;
  msg: string;
}

/** The parsed JSON body of a response. */
export async function jsonBody<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** A JSON text (a log line, a stored value) parsed. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
