import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Starts a child process that dies with us: stop() sends SIGTERM to its whole process group
 * and SIGKILL after a grace period, so Ctrl-C never leaves a process behind.
 */
export function spawnOwned(
  command: string,
  args: string[],
  options: SpawnOptions & { name: string; onOutput?: (line: string) => void },
): { child: ChildProcess; stop: () => Promise<void> } {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) options.onOutput?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const killGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  process.once('exit', () => killGroup('SIGKILL'));
  return {
    child,
    stop: async () => {
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
