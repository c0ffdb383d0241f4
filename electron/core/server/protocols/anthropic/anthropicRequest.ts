// How an Anthropic Messages request becomes the pipeline's GenerationRequest.
//
//   system (string or text blocks)       → a first "system" message
//   messages (string or text blocks)     → chat messages through the model's chat template (blocks joined)
//   max_tokens                           → max_new_tokens
//   stop_sequences                       → stop (the engine stops on it; the encoders cut it off and name it)
//   temperature, top_p, top_k            → the same sampling rule as OpenAI's routes (temperature 0 is greedy)
//   tools, tool_use, tool_result, thinking, output_config/output_format, mcp_servers, container,
//   context_management, diagnostics, inference_geo, speed "fast", image/document blocks, a last assistant message (prefill)
//                                        → 400 saying what Brook does instead, never silently ignored
import { validationError } from '../../../errors.js';
import type { AnthropicContentBlockParam, AnthropicCountTokensRequest, AnthropicMessagesRequest } from '../../../wire/anthropic.js';
import type { ChatMessage, GenerationRequest } from '../../../wire/generation.js';
import { chatParameters } from '../openai/openAIParameters.js';

const TOOLS_NOT_YET = 'Brook does not do tool calling yet: send the conversation as text';

/** The chat messages of a request (also what /v1/messages/count_tokens counts). */
export function anthropicMessages(body: AnthropicCountTokensRequest): ChatMessage[] {
  refuseUnhonoured(body);
  const messages: ChatMessage[] = [];
  if (body.system != null) messages.push({ role: 'system', content: text(body.system, 'system') });
  body.messages.forEach((message, index) => messages.push({ role: message.role, content: text(message.content, `messages.${index}.content`) }));
  if (body.messages.at(-1)!.role === 'assistant') {
    throw validationError(
      '`messages` ends with an assistant message: continuing a prefilled reply is not supported. End with a user message, and put any opening words in it.',
    );
  }
  return messages;
}

export function anthropicGeneration(body: AnthropicMessagesRequest): GenerationRequest {
  const messages = anthropicMessages(body);
  // One sampling rule for every protocol: Anthropic's fields are OpenAI's under other names.
  const parameters = chatParameters({
    messages: [],
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    top_k: body.top_k ?? null,
    stop: body.stop_sequences ?? null,
    max_completion_tokens: body.max_tokens,
  });
  return { prompt: { messages }, parameters };
}

function refuseUnhonoured(body: AnthropicCountTokensRequest): void {
  if (Array.isArray(body.tools) ? body.tools.length > 0 : body.tools != null) throw validationError(`\`tools\` is not supported yet: ${TOOLS_NOT_YET}.`);
  const choice = (body.tool_choice as { type?: unknown } | null | undefined)?.type;
  if (body.tool_choice != null && choice !== 'none' && choice !== 'auto') {
    throw validationError(`\`tool_choice\` ${JSON.stringify(body.tool_choice)} is not supported yet: ${TOOLS_NOT_YET}.`);
  }
  if (body.thinking != null && (body.thinking as { type?: unknown }).type !== 'disabled') {
    throw validationError('`thinking` is not supported: the model has no extended thinking. Leave it out or send {"type": "disabled"}.');
  }
  if (body.output_config != null || body.output_format != null) {
    throw validationError('Structured output (`output_config` / `output_format`) is not supported yet: ask for JSON in the prompt instead.');
  }
  if (body.mcp_servers != null) throw validationError('`mcp_servers` is not supported: Brook does not connect to MCP servers.');
  if (body.container != null) throw validationError('`container` is not supported: Brook has no code-execution containers.');
  if (body.context_management != null) throw validationError('`context_management` is not supported: Brook does not edit the context. Leave it out.');
  if (body.diagnostics != null) throw validationError('`diagnostics` is not supported: Brook does not report prompt-cache diagnostics. Leave it out.');
  if (body.inference_geo != null) throw validationError('`inference_geo` is not supported: inference runs on this machine. Leave it out.');
}

/** A string, or text blocks joined; any other block is refused with the reason. */
function text(content: string | AnthropicContentBlockParam[], field: string): string {
  if (typeof content === 'string') return content;
  return content
    .map((block, index) => {
      if (block.type === 'text') {
        if (typeof block.text !== 'string') throw validationError(`\`${field}.${index}.text\` is required in a text block`);
        return block.text;
      }
      if (block.type === 'tool_use' || block.type === 'tool_result') {
        throw validationError(`\`${field}.${index}\` is a ${block.type} block, which is not supported yet: ${TOOLS_NOT_YET}.`);
      }
      throw validationError(`\`${field}.${index}\` is a "${block.type}" block: Brook's model reads text only. Send {"type": "text", "text": "..."} blocks.`);
    })
    .join('');
}
