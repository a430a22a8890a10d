/**
 * Peak resident memory of the function host while something runs, sampled from /proc every 100 ms.
 * The stack's `functionsPid` is the tsx CLI that started the dev host; tsx runs the host (and so the
 * app) in a child node process, so the whole process tree is sampled and the app's process reported.
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcessPeak {
  pid: number;
  command: string;
  /** At the first sample (when the measured work started). */
  startRssMb: number;
  peakRssMb: number;
}

export interface RssPeak {
  /** The process that runs the app: the descendant of functionsPid that runs the functions-devhost package's src/main.ts. */
  app: ProcessPeak;
  /** Every process of the tree, with its own peak. */
  tree: ProcessPeak[];
  /** Highest sum over the tree at one sample. */
  treePeakMb: number;
  samples: number;
}

function children(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const task of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of text.split(/\s+/)) if (child) found.push(Number(child));
    } catch {
      /* the task ended */
    }
  }
  return found;
}

/** The pid and all its descendants. */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  return all;
}

function rssKb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '?';
  }
}

/** Which process of the tree runs the app: node running the dev host's main.ts, not the tsx CLI. */
function appProcess(pids: number[], commands: Map<number, string>): number {
  const runsHost = pids.filter((pid) => /functions-devhost\/src\/main\.ts/.test(commands.get(pid) ?? ''));
  const notCli = runsHost.filter((pid) => !/tsx\/dist\/cli\.[mc]?js/.test(commands.get(pid) ?? ''));
  return notCli[0] ?? runsHost[0] ?? pids[0]!;
}

/** Starts sampling the tree of `pid` every `everyMs`; `stop()` returns the peaks. */
export function sampleRss(pid: number, everyMs = 100): { stop(): RssPeak } {
  const peaks = new Map<number, number>();
  const starts = new Map<number, number>();
  const commands = new Map<number, string>();
  let treePeakKb = 0;
  let samples = 0;
  const sample = () => {
    let total = 0;
    for (const p of processTree(pid)) {
      const kb = rssKb(p);
      if (kb === undefined) continue;
      if (!commands.has(p)) commands.set(p, commandOf(p));
      if (!starts.has(p)) starts.set(p, kb);
      peaks.set(p, Math.max(peaks.get(p) ?? 0, kb));
      total += kb;
    }
    treePeakKb = Math.max(treePeakKb, total);
    samples++;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      const mb = (kb: number) => Math.round(kb / 102.4) / 10;
      const tree = [...peaks.entries()].map(([p, kb]) => ({
        pid: p,
        command: shorten(commands.get(p) ?? '?'),
        startRssMb: mb(starts.get(p) ?? kb),
        peakRssMb: mb(kb),
      }));
      const appPid = appProcess([...peaks.keys()], commands);
      return {
        app: tree.find((t) => t.pid === appPid)!,
        tree,
        treePeakMb: mb(treePeakKb),
        samples,
      };
    },
  };
}

/** A command line without the long absolute paths. */
function shorten(command: string): string {
  return command
    .split(' ')
    .map((part) => part.replace(/^(file:\/\/)?\/.*\/node_modules\//, '').replace(/^\/.*\/(scripts\/)/, '$1'))
    .join(' ')
    .slice(0, 120);
}
