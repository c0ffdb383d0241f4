import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * JSON bodies read strictly as UTF-8 (as RFC 8259 requires): a body in another declared charset gets 415 and
 * bytes that are not UTF-8 get 422, where the default parser would replace them with U+FFFD and answer as if
 * the client had sent that. Parsing itself stays Fastify's (with its prototype-poisoning checks).
 */
export function registerStrictJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(
        new ApiError('unsupported_media_type', `The body is declared as charset=${charset}, but Brook reads JSON only as UTF-8. Send it as UTF-8 with "Content-Type: application/json".`),
        undefined,
      );
      return;
    }
    parseUtf8Json(parseJson, request, body as Buffer, done);
  });
}

type JsonParser = ReturnType<FastifyInstance['getDefaultJsonParser']>;
/** What a content-type parser calls with the parsed body or the error (Fastify does not export its name). */
type ParserDone = (error: Error | null, body?: unknown) => void;

/** Decodes `body` strictly as UTF-8 (422 when it is not), then parses it with Fastify's JSON parser. */
export function parseUtf8Json(parseJson: JsonParser, request: FastifyRequest, body: Buffer, done: ParserDone): void {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    done(new ApiError('validation', 'The request body is not valid UTF-8. Encode the JSON body as UTF-8.'), undefined);
    return;
  }
  parseJson(request, text, done);
}
