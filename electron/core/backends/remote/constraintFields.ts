// A request's tools and output constraint (wire/generation.ts) as the fields of the upstream's route. Where a
// route has no field for one, the answer is a 422 saying so: an upstream would ignore a field it does not know
// and answer with unconstrained text, a silent 200 the design forbids.
import { regexToGbnf } from '../../engine/regexToGbnf.js';
import { validationError } from '../../errors.js';
import type { GenerationRequest, JsonSchema, OutputConstraint } from '../../wire/generation.js';
import type { GrammarType } from '../../wire/tgi.js';
import type { Upstream } from './detectUpstream.js';

export type UpstreamRoute = '/generate_stream' | '/v1/chat/completions' | '/v1/completions';

/** JSON Schema of "any JSON object": what `schema: null` means. */
const ANY_OBJECT: JsonSchema = { type: 'object' };

export function constraintFields(request: GenerationRequest, route: UpstreamRoute, upstream: Upstream, url: string): Record<string, unknown> {
  const { constraint } = request;
  if (route === '/v1/chat/completions') return { ...toolFields(request, upstream, url), ...(constraint && constraint.type !== 'tools' ? chatFormat(constraint, upstream, url) : {}) };
  if (!constraint) return {};
  if (constraint.type === 'tools') throw validationError('tools need a chat prompt (messages): send the request to /v1/chat/completions');
  // TGI's /generate_stream takes TGI's `grammar`; of the OpenAI servers, only llama-server takes one on /v1/completions.
  if (route === '/generate_stream') return { grammar: tgiGrammar(constraint) };
  if (upstream.llamaCpp) return llamaCppGrammar(constraint);
  throw validationError(
    `the remote server at ${url} speaks OpenAI's protocol, whose /v1/completions has no field for a JSON Schema or a grammar (only llama.cpp's llama-server takes one there). Send the request as a chat (messages, with response_format), or point Brook at a TGI or Brook server (--remote-protocol tgi).`,
  );
}

/** OpenAI's tools, choice and parallelism; none unless the model may call (tool_choice "none" sends neither). */
function toolFields(request: GenerationRequest, upstream: Upstream, url: string): Record<string, unknown> {
  const constraint = request.constraint;
  if (constraint?.type !== 'tools' || !request.tools?.length) return {};
  if (upstream.llamaCpp?.toolCalls === false) {
    throw validationError(
      `the remote llama-server at ${url} serves a chat template that cannot present tools (its /props says chat_template_caps.supports_tool_calls: false), so it would answer in plain text. Start it with a model or --chat-template-file whose template supports tools, or send this request without tools.`,
    );
  }
  let tools = request.tools;
  let choice: unknown = constraint.choice;
  if (typeof constraint.choice === 'object') {
    const name = constraint.choice.name;
    // llama-server reads only a string tool_choice (an object falls back to "auto"): offering it the one named
    // tool, required, asks for the same reply.
    if (upstream.llamaCpp) {
      tools = tools.filter((tool) => tool.name === name);
      choice = 'required';
    } else choice = { type: 'function', function: { name } };
  }
  return {
    tools: tools.map((tool) => ({ type: 'function', function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.parameters } })),
    tool_choice: choice,
    parallel_tool_calls: constraint.parallel,
  };
}

/** The reply's format on a chat route: TGI's grammar form on TGI (and Brook), OpenAI's response_format elsewhere. */
function chatFormat(constraint: Exclude<OutputConstraint, { type: 'tools' }>, upstream: Upstream, url: string): Record<string, unknown> {
  if (upstream.protocol === 'tgi') return { response_format: tgiGrammar(constraint) };
  if (constraint.type === 'json') {
    if (constraint.schema === null) return { response_format: { type: 'json_object' } };
    return { response_format: { type: 'json_schema', json_schema: { name: 'response', schema: constraint.schema, strict: true } } };
  }
  if (upstream.llamaCpp) return llamaCppGrammar(constraint);
  throw validationError(
    `the remote server at ${url} speaks OpenAI's protocol, whose response_format has no regular expression. Give a JSON Schema instead, or point Brook at a TGI or Brook server (--remote-protocol tgi), which take a regex grammar.`,
  );
}

function tgiGrammar(constraint: Exclude<OutputConstraint, { type: 'tools' }>): GrammarType {
  return constraint.type === 'json' ? { type: 'json', value: constraint.schema ?? ANY_OBJECT } : { type: 'regex', value: constraint.pattern };
}

/** llama-server's own fields: a JSON Schema it turns into a grammar, or a GBNF grammar (a regex, translated as Brook's engine does). */
function llamaCppGrammar(constraint: Exclude<OutputConstraint, { type: 'tools' }>): Record<string, unknown> {
  return constraint.type === 'json' ? { json_schema: constraint.schema ?? ANY_OBJECT } : { grammar: regexToGbnf(constraint.pattern, 'root') };
}
