/**
 * Dev-only fault injection for the local ACS Email server: scripted HTTP failures for the next
 * sends, a "fail forever" tail, and operation-level failure seen when polling.
 */

export interface FaultStep {
  /** HTTP status the send answers with, 400-599. */
  status: number;
  /** How many consecutive sends answer with it (default 1). */
  times: number;
  /**
   * Retry-After header in seconds. Defaults to 1 for 429; null omits the header (the SDK then does
   * not retry a 429). Other statuses only get the header when it is given.
   */
  retryAfterSeconds?: number | null;
  /** Adds a retry-after-ms header (honored by the Azure SDK for 429/503). */
  retryAfterMs?: number;
  /** Error code in the ACS-style body; derived from the status when omitted. */
  code?: string;
  message?: string;
}

export type OperationOutcome = 'Succeeded' | 'Failed';

export interface FaultConfig {
  plan: FaultStep[];
  /** After the plan: accept sends normally, or answer every send with 500 until DELETE /_faults. */
  then: 'succeed' | 'fail';
  /** Final status accepted sends reach when polled. */
  operationStatus: OperationOutcome;
  /** Error the poll reports with operationStatus Failed. */
  operationError: { code: string; message: string };
  /** How many polls of a new operation answer Running (with Retry-After: 1) before the final status. */
  runningPolls: number;
}

export interface InjectedFailure {
  status: number;
  headers: Record<string, string>;
  code: string;
  message: string;
}

export function defaultFaults(): FaultConfig {
  return {
    plan: [],
    then: 'succeed',
    operationStatus: 'Succeeded',
    operationError: {
      code: 'EmailDeliveryFailed',
      message: 'Injected failure: the local ACS Email server was told to fail this operation.',
    },
    runningPolls: 0,
  };
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Denied',
  403: 'Forbidden',
  404: 'NotFound',
  408: 'RequestTimeout',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonNegativeInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Parses the body of POST /_faults; returns an error message for bad input. */
export function parseFaultConfig(body: unknown): FaultConfig | string {
  if (!isRecord(body)) return 'body must be a JSON object';
  const config = defaultFaults();
  if (body.plan !== undefined) {
    if (!Array.isArray(body.plan)) return 'plan must be an array';
    for (const [i, raw] of body.plan.entries()) {
      if (!isRecord(raw)) return `plan[${i}] must be an object`;
      const { status, times = 1, retryAfterSeconds, retryAfterMs, code, message } = raw;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
        return `plan[${i}].status must be an integer 400-599`;
      }
      if (!nonNegativeInt(times) || times < 1) return `plan[${i}].times must be a positive integer`;
      if (
        retryAfterSeconds !== undefined &&
        retryAfterSeconds !== null &&
        !nonNegativeInt(retryAfterSeconds)
      ) {
        return `plan[${i}].retryAfterSeconds must be a non-negative integer or null`;
      }
      if (retryAfterMs !== undefined && !nonNegativeInt(retryAfterMs)) {
        return `plan[${i}].retryAfterMs must be a non-negative integer`;
      }
      if (code !== undefined && typeof code !== 'string') return `plan[${i}].code must be a string`;
      if (message !== undefined && typeof message !== 'string') return `plan[${i}].message must be a string`;
      const step: FaultStep = { status, times };
      if (retryAfterSeconds !== undefined) step.retryAfterSeconds = retryAfterSeconds;
      if (retryAfterMs !== undefined) step.retryAfterMs = retryAfterMs;
      if (code !== undefined) step.code = code;
      if (message !== undefined) step.message = message;
      config.plan.push(step);
    }
  }
  if (body.then !== undefined) {
    if (body.then !== 'succeed' && body.then !== 'fail') return 'then must be "succeed" or "fail"';
    config.then = body.then;
  }
  if (body.operationStatus !== undefined) {
    if (body.operationStatus !== 'Succeeded' && body.operationStatus !== 'Failed') {
      return 'operationStatus must be "Succeeded" or "Failed"';
    }
    config.operationStatus = body.operationStatus;
  }
  if (body.operationError !== undefined) {
    const e = body.operationError;
    if (!isRecord(e) || typeof e.code !== 'string' || typeof e.message !== 'string') {
      return 'operationError must be {code: string, message: string}';
    }
    config.operationError = { code: e.code, message: e.message };
  }
  if (body.runningPolls !== undefined) {
    if (!nonNegativeInt(body.runningPolls) || body.runningPolls > 100) {
      return 'runningPolls must be an integer 0-100';
    }
    config.runningPolls = body.runningPolls;
  }
  return config;
}

/**
 * Takes the next scripted failure for a send, or undefined when the send should go through.
 * Mutates the plan (decrements `times`, drops exhausted steps).
 */
export function takeInjectedFailure(config: FaultConfig): InjectedFailure | undefined {
  const step = config.plan[0];
  if (step) {
    step.times -= 1;
    if (step.times <= 0) config.plan.shift();
    const headers: Record<string, string> = {};
    const retryAfter =
      step.retryAfterSeconds === undefined ? (step.status === 429 ? 1 : undefined) : step.retryAfterSeconds;
    if (retryAfter !== undefined && retryAfter !== null) headers['retry-after'] = String(retryAfter);
    if (step.retryAfterMs !== undefined) headers['retry-after-ms'] = String(step.retryAfterMs);
    return {
      status: step.status,
      headers,
      code:
        step.code ??
        DEFAULT_CODES[step.status] ??
        (step.status >= 500 ? 'InternalServerError' : 'BadRequest'),
      message: step.message ?? `Injected fault: HTTP ${step.status} from the local ACS Email server.`,
    };
  }
  if (config.then === 'fail') {
    return {
      status: 500,
      headers: {},
      code: 'InternalServerError',
      message: 'Injected fault: the local ACS Email server fails every send until DELETE /_faults.',
    };
  }
  return undefined;
}
