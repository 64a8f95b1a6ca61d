import type { MessagePort } from 'node:worker_threads';
import { TaskRetry } from '../retry-backoff';

/** One run, as the pool hands it to a thread. */
export interface IsolatedRun {
  readonly name: string;
  readonly handlerFile: string;
  readonly args: unknown[];
  readonly id: string;
  readonly attempt: number;
  /** The run's channel to the worker: progress one way, the soft abort the other. */
  readonly port: MessagePort;
}

/** An error as it crosses the thread boundary: structured cloning keeps neither its class nor its code. */
export interface CarriedError {
  readonly name: string;
  readonly message: string;
  /** An AppError's code (or any `code`), which `autoretryFor` may list. */
  readonly code?: string;
  /** Set when the handler called `context.retry()`; -1: no countdown, the task's backoff applies. */
  readonly retryCountdownMs?: number;
}

export type ThreadMessage =
  { readonly kind: 'started'; readonly threadId: number } | { readonly kind: 'progress'; readonly seq: number; readonly percent: number };
export type WorkerMessage =
  | { readonly kind: 'progressed'; readonly seq: number; readonly error?: CarriedError }
  | { readonly kind: 'abort'; readonly reason: CarriedError };

/** What a thread returns: never a rejection, so that the error keeps its name, code and retry. */
export type IsolatedOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: CarriedError };

export function carryError(error: unknown): CarriedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code } = error as { code?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error instanceof TaskRetry ? { retryCountdownMs: error.countdownMs ?? -1 } : {}),
  };
}

/** The error again on this side: a TaskRetry stays one (the backoff honours it), others keep name and code. */
export function restoreError({ name, message, code, retryCountdownMs }: CarriedError): Error {
  if (retryCountdownMs !== undefined) {
    return new TaskRetry({ error: message, ...(retryCountdownMs >= 0 ? { countdown: retryCountdownMs / 1000 } : {}) });
  }
  const error = new Error(message) as Error & { code?: string };
  error.name = name;
  if (code !== undefined) error.code = code;
  return error;
}
