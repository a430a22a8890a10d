import type { RpcLogCategory, RpcLogLevel } from './rpc.js';

const LEVEL_RANK: Record<RpcLogLevel, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
  none: 6,
};

const LEVEL_TAG: Partial<Record<RpcLogLevel, string>> = {
  trace: 'TRACE ',
  debug: 'DEBUG ',
  warning: 'WARN ',
  error: 'ERROR ',
  critical: 'CRITICAL ',
};

export function parseLogLevel(text: string | undefined): RpcLogLevel | undefined {
  switch (text?.toLowerCase()) {
    case 'trace':
      return 'trace';
    case 'debug':
      return 'debug';
    case 'information':
    case 'info':
      return 'information';
    case 'warning':
    case 'warn':
      return 'warning';
    case 'error':
      return 'error';
    case 'critical':
      return 'critical';
    case 'none':
      return 'none';
    default:
      return undefined;
  }
}

/** Timestamped, readable lines in the style of Core Tools, sent to the caller's sink. */
export class HostLog {
  constructor(
    private readonly sink: (line: string) => void,
    /** Lowest level shown for the app's own logs (`context.log`, `context.debug`...). */
    private readonly userLevel: RpcLogLevel = 'information',
    /** Whether the library's and dev host's debug/trace logs are shown. */
    private readonly verbose = false,
  ) {}

  #emit(prefix: string, text: string): void {
    const stamp = new Date().toISOString();
    for (const line of text.split(/\r?\n/)) this.sink(`[${stamp}] ${prefix}${line}`);
  }

  info(text: string): void {
    this.#emit('', text);
  }

  warn(text: string): void {
    this.#emit('WARN ', text);
  }

  error(text: string): void {
    this.#emit('ERROR ', text);
  }

  debug(text: string): void {
    if (this.verbose) this.#emit('DEBUG ', text);
  }

  /** A log line from the library or the app, through the core API's `log`. */
  system(level: RpcLogLevel, category: RpcLogCategory, text: string, functionName?: string): void {
    if (level === 'none') return;
    if (category === 'user') {
      if (LEVEL_RANK[level] < LEVEL_RANK[this.userLevel]) return;
    } else if (!this.verbose && LEVEL_RANK[level] < LEVEL_RANK.information) return;
    const where = functionName ? `[${functionName}] ` : '';
    this.#emit(`${where}${LEVEL_TAG[level] ?? ''}`, text);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
