import { describe, expect, it } from 'vitest';
import { distFailure } from './distFailure.js';

describe('distFailure', () => {
  it('explains a download that could not reach its server, and what to do', () => {
    // What electron-builder threw here without a network.
    const offline = Object.assign(new Error('getaddrinfo ENOTFOUND github.com'), { code: 'ENOTFOUND' });
    const message = distFailure(offline);
    expect(message).toContain('getaddrinfo ENOTFOUND github.com');
    expect(message).toContain('Connect to the internet');
    expect(message).toContain('ELECTRON_MIRROR');
    expect(message).not.toMatch(/\n\s+at /);
    expect(distFailure(new Error('connect ETIMEDOUT 140.82.121.4:443'))).toContain('Connect to the internet');
  });

  it('passes on any other failure as one line', () => {
    expect(distFailure(new Error('Cannot find module x'))).toBe('Packaging failed: Cannot find module x');
  });
});
