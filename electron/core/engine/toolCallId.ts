import { randomUUID } from 'node:crypto';

/** A fresh id for a call the model made, in OpenAI's form (`call_` and 24 hex digits). */
export function toolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
