/**
 * npm runs a script under `sh -c`, and sh dies of a signal sent to npm's process without passing it on, which
 * left Brook running on its own. Polling `process.ppid` (the parent's id changes when the parent is gone)
 * turns that into the SIGTERM Brook would have got: it shuts down as it does on Ctrl-C.
 */
export function exitWithParent(): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, 500);
  timer.unref();
}
