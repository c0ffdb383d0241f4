// Ollama reads every request body as JSON, whatever its Content-Type: its own docs post with `curl -d '{...}'`,
// which sends application/x-www-form-urlencoded. On /api, Brook does the same (elsewhere such a body gets 415).
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** In `scope` (the /api plugin), a body of any other Content-Type than application/json is parsed as UTF-8 JSON. */
export function readAnyBodyAsJson(scope: FastifyInstance): void {
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new ApiError('validation', 'The request body is not valid UTF-8. Encode the JSON body as UTF-8.'), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
