import { randomBytes } from 'node:crypto';

/** A short random URL-safe id (12 characters, 72 bits), matching the wire schemas' id pattern. */
export function newId(): string {
  return randomBytes(9).toString('base64url');
}
