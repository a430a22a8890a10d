import type { FaultConfig } from './faults.js';
import type { StoredEmail } from './inbox.js';

export type OperationStatus = 'Running' | 'Succeeded' | 'Failed';

export interface Operation {
  id: string;
  finalStatus: 'Succeeded' | 'Failed';
  error?: { code: string; message: string };
  runningPollsLeft: number;
  messageId: string | null;
  createdAt: string;
}

export interface Stats {
  /** Authenticated POST /emails:send requests, whatever their outcome. */
  sendAttempts: number;
  /** Messages stored in the inbox. */
  acceptedMessages: number;
  /** Operations created (202 for a new operation id). */
  acceptedOperations: number;
  /** Sends for an operation id that already existed (answered with the same operation). */
  duplicateSends: number;
  /** Sends answered by an injected fault. */
  faultedSends: number;
  /** Sends refused with 400. */
  invalidSends: number;
  /** Requests to /emails/* refused with 401. */
  unauthorizedRequests: number;
  /** Accepted operations that end Failed (operation-level fault). */
  failedOperations: number;
  /** Authenticated send attempts per operation id (generated ids included). */
  byOperationId: Record<string, number>;
}

export function emptyStats(): Stats {
  return {
    sendAttempts: 0,
    acceptedMessages: 0,
    acceptedOperations: 0,
    duplicateSends: 0,
    faultedSends: 0,
    invalidSends: 0,
    unauthorizedRequests: 0,
    failedOperations: 0,
    byOperationId: {},
  };
}

/** Everything one server holds, in memory; every route module reads and changes it. */
export interface EmailState {
  readonly accessKey: string;
  /** Oldest first. */
  readonly messages: StoredEmail[];
  readonly operations: Map<string, Operation>;
  faults: FaultConfig;
  stats: Stats;
  /** host:port for Operation-Location when a request has no Host header; set once listening. */
  fallbackHost: string;
}

/** A route's note for the request log line; undefined logs nothing (reads). */
export type RouteResult = Promise<string | undefined> | string | undefined;
