import { readFileSync, statSync } from 'node:fs';

/** One structured line the app logged (shared/log.ts): its event and fields, the message's among them. */
export type AppEvent = { level: string; event: string } & Record<string, unknown>;

/**
 * The function app's structured log lines, read from the test stack's log file. A test takes a mark
 * before it acts and then reads what the app reported since, e.g. that a queue message was handled
 * (`<queue>.done`), which is how it knows a redelivered copy has run without sleeping.
 */
export function appLog(logFile: string) {
  return {
    /** Where the log ends now; events() from here sees only what comes after. */
    mark: (): number => statSync(logFile).size,
    events(since = 0, match: (event: AppEvent) => boolean = () => true): AppEvent[] {
      return readFileSync(logFile)
        .subarray(since)
        .toString('utf8')
        .split('\n')
        .filter((line) => line.startsWith('[functions]'))
        .flatMap((line) => {
          // The host prefixes each app line with a time stamp, the function and a level tag.
          const start = line.indexOf('{"level":');
          if (start < 0) return [];
          try {
            return [JSON.parse(line.slice(start)) as AppEvent];
          } catch {
            return []; // a line the host split or truncated is not an event
          }
        })
        .filter(match);
    },
  };
}
