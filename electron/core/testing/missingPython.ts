import { spawnSync } from 'node:child_process';

/**
 * Why the Python client tests of `test` cannot run (python3 cannot import `modules`), or null when they can.
 * The reason is printed, so a skipped test always says why and how to install what is missing.
 */
export function missingPython(test: string, modules: readonly string[], pipPackages: readonly string[] = modules): string | null {
  const probe = spawnSync('python3', ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (probe.status === 0) return null;
  const why = (probe.stderr || probe.error?.message || '').trim().split('\n').pop();
  const reason = `python3 cannot import ${modules.join(', ')} (${why}); install with: pip install ${pipPackages.join(' ')}`;
  console.log(`[${test}] Python client tests skipped: ${reason}`);
  return reason;
}
