// Ollama reads every request body as JSON, whatever its Content-Type: its own docs post with `curl -d '{...}'`,
// which sends application/x-www-form-urlencoded. On /api, Brook does the same (elsewhere such a body gets 415).
import type { FastifyInstance } from 'fastify';
import { parseUtf8Json } from '../../strictJsonParser.js';

/** In `scope` (the /api plugin), a body of any other Content-Type than application/json is parsed as UTF-8 JSON. */
export function readAnyBodyAsJson(scope: FastifyInstance): void {
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => parseUtf8Json(parseJson, request, body as Buffer, done));
}
