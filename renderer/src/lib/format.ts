export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 token", "2 tokens", "1,024 tokens". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export const FINISH_REASONS: Record<string, string> = {
  eos_token: 'end of reply',
  length: 'max tokens reached',
  stop_sequence: 'stop sequence',
  stopped: 'stopped',
  error: 'error',
};

/** Today, Yesterday, Previous 7 days, Previous 30 days, then month and year. */
export function dateGroup(timestamp: number, now = Date.now()): string {
  const day = 24 * 60 * 60 * 1000;
  const startOfToday = new Date(now).setHours(0, 0, 0, 0);
  if (timestamp >= startOfToday) return 'Today';
  if (timestamp >= startOfToday - day) return 'Yesterday';
  if (timestamp >= startOfToday - 7 * day) return 'Previous 7 days';
  if (timestamp >= startOfToday - 30 * day) return 'Previous 30 days';
  return new Date(timestamp).toLocaleDateString('en-US', { month: 'long', year: 'numeric' });
}

/** A token's text with its invisible characters shown. */
export function visibleToken(text: string): string {
  if (text === '') return '∅';
  return text.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥');
}
