// How an Anthropic Messages request becomes the pipeline's GenerationRequest.
//
//   system (string or text blocks)       → a first "system" message
//   messages (string or text blocks)     → chat messages through the model's chat template (blocks joined)
//   tool_use blocks (assistant)          → the assistant turn's calls
//   tool_result blocks (user)            → "tool" turns, before the user's text
//   tools, tool_choice                   → tools, and a tools constraint (auto / any → required / tool → that
//                                          one; disable_parallel_tool_use → one call); "none": no tools
//   output_config.format / output_format → a JSON constraint with that schema
//   a last assistant message (prefill)   → the reply continues it
//   max_tokens                           → max_new_tokens, shortened to the room the prompt leaves
//   stop_sequences                       → stop (the engine stops on it; the encoders cut it off and name it)
//   temperature, top_p, top_k            → the same sampling rule as OpenAI's routes (temperature 0 is greedy)
//   thinking, server tools, mcp_servers, container, context_management, diagnostics, inference_geo,
//   speed "fast", image/document blocks
//                                        → 400 saying what Brook does instead, never silently ignored
import { enforceableSchema } from '../../../engine/enforceableSchema.js';
import { validationError } from '../../../errors.js';
import type { AnthropicContentBlockParam, AnthropicCountTokensRequest, AnthropicMessagesRequest } from '../../../wire/anthropic.js';
import type { ChatMessage, GenerationRequest, ToolCall, ToolDefinition } from '../../../wire/generation.js';
import { chatParameters } from '../openai/openAIParameters.js';

/** A tool without an input schema takes no input. */
const NO_INPUT = { type: 'object', properties: {} };

/** The prompt, tools and constraint of a request (count_tokens counts the same prompt and tools). */
export function anthropicPrompt(body: AnthropicCountTokensRequest): Pick<GenerationRequest, 'tools' | 'constraint'> & { messages: ChatMessage[]; continueLast?: boolean } {
  refuseUnhonoured(body);
  const messages: ChatMessage[] = [];
  if (body.system != null) messages.push({ role: 'system', content: typeof body.system === 'string' ? body.system : text(body.system, 'system') });
  body.messages.forEach((message, index) => messages.push(...chatMessages(message.role, message.content, `messages.${index}.content`)));
  answeredCalls(body);
  // A last assistant message is the start of the reply, which the model continues (Anthropic's prefill).
  const prefill = body.messages.at(-1)!.role === 'assistant';
  return { messages, ...(prefill ? { continueLast: true } : {}), ...toolsAndConstraint(body) };
}

/** As Anthropic requires: each tool_use is answered by a tool_result in the user message right after it. */
function answeredCalls(body: AnthropicCountTokensRequest): void {
  body.messages.forEach((message, index) => {
    if (message.role !== 'assistant' || typeof message.content === 'string') return;
    const next = body.messages[index + 1]?.content;
    const answered = new Set(typeof next === 'string' || next === undefined ? [] : next.filter((block) => block.type === 'tool_result').map((block) => block.tool_use_id));
    const unanswered = message.content.filter((block) => block.type === 'tool_use' && !answered.has(block.id)).map((block) => block.id);
    if (unanswered.length > 0) {
      throw validationError(
        `\`messages.${index}\` has tool_use blocks without a tool_result in the next message (ids ${unanswered.map((id) => `"${id ?? ''}"`).join(', ')}): answer each call with {"type": "tool_result", "tool_use_id": ..., "content": ...} in the user message that follows.`,
      );
    }
  });
}

export function anthropicGeneration(body: AnthropicMessagesRequest): GenerationRequest {
  const { messages, continueLast, ...constrained } = anthropicPrompt(body);
  // One sampling rule for every protocol: Anthropic's fields are OpenAI's under other names.
  const parameters = chatParameters({
    messages: [],
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    top_k: body.top_k ?? null,
    stop: body.stop_sequences ?? null,
    max_completion_tokens: body.max_tokens,
  });
  // max_tokens is required, and clients pick it without knowing the context (Claude Code asks for 32000): it
  // is a ceiling, so the reply gets the room the prompt leaves, and says so (model_context_window_exceeded).
  return { prompt: { messages, ...(continueLast ? { continueLast } : {}) }, parameters, fitMaxNewTokens: true, ...constrained };
}

function toolsAndConstraint(body: AnthropicCountTokensRequest): Pick<GenerationRequest, 'tools' | 'constraint'> {
  const tools = (body.tools ?? []).map((tool, index): ToolDefinition => {
    if (tool.type != null && tool.type !== 'custom') {
      throw validationError(`\`tools.${index}\` is the server tool "${tool.type}", which Brook does not run: describe your own tools with \`name\` and \`input_schema\`.`);
    }
    const parameters = (tool.input_schema ?? NO_INPUT) as Record<string, unknown>;
    enforceableSchema(parameters, `\`tools.${index}.input_schema\``);
    return { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters };
  });
  if (new Set(tools.map((tool) => tool.name)).size < tools.length) throw validationError('`tools` has two tools with the same name: names must be unique');
  const format = body.output_config?.format ?? body.output_format ?? null;
  // "auto" with no tools: nothing to call.
  const choice: NonNullable<AnthropicCountTokensRequest['tool_choice']> =
    body.tool_choice == null || (body.tool_choice.type === 'auto' && tools.length === 0) ? { type: tools.length > 0 ? 'auto' : 'none' } : body.tool_choice;

  if (choice.type !== 'none') {
    if (tools.length === 0) throw validationError('`tool_choice` needs `tools`: give the tools the model may call, or leave `tool_choice` out');
    if (choice.type === 'tool' && !tools.some((tool) => tool.name === choice.name)) {
      throw validationError(`\`tool_choice\` names the tool "${choice.name ?? ''}", which is not among \`tools\` (${tools.map((tool) => `"${tool.name}"`).join(', ')})`);
    }
    if (format) throw validationError('Structured output cannot be combined with tools that may be called: set `tool_choice` to {"type": "none"}, or drop the output format');
    const picked = choice.type === 'any' ? 'required' : choice.type === 'tool' ? { name: choice.name! } : 'auto';
    return { tools, constraint: { type: 'tools', choice: picked, parallel: choice.disable_parallel_tool_use !== true } };
  }
  // tool_choice "none": the model answers in text; the tools stay out of the prompt so it does not try to call them.
  if (!format) return {};
  const where = body.output_config?.format ? '`output_config.format.schema`' : '`output_format.schema`';
  enforceableSchema(format.schema, where);
  return { constraint: { type: 'json', schema: format.schema as Record<string, unknown> } };
}

function refuseUnhonoured(body: AnthropicCountTokensRequest): void {
  if (body.thinking != null && (body.thinking as { type?: unknown }).type !== 'disabled') {
    throw validationError('`thinking` is not supported: the model has no extended thinking. Leave it out or send {"type": "disabled"}.');
  }
  if (body.output_config?.effort != null) throw validationError('`output_config.effort` is not supported: the model has no effort levels. Leave it out.');
  if (body.mcp_servers != null) throw validationError('`mcp_servers` is not supported: Brook does not connect to MCP servers.');
  if (body.container != null) throw validationError('`container` is not supported: Brook has no code-execution containers.');
  if (body.context_management != null) throw validationError('`context_management` is not supported: Brook does not edit the context. Leave it out.');
  if (body.diagnostics != null) throw validationError('`diagnostics` is not supported: Brook does not report prompt-cache diagnostics. Leave it out.');
  if (body.inference_geo != null) throw validationError('`inference_geo` is not supported: inference runs on this machine. Leave it out.');
}

/**
 * One message's blocks as chat turns: an assistant turn with its text and calls; or a user turn's tool
 * results (each a "tool" turn) followed by its text, if any.
 */
function chatMessages(role: 'user' | 'assistant', content: string | AnthropicContentBlockParam[], field: string): ChatMessage[] {
  if (typeof content === 'string') return [{ role, content }];
  const texts: AnthropicContentBlockParam[] = [];
  const calls: ToolCall[] = [];
  const results: ChatMessage[] = [];
  content.forEach((block, index) => {
    const at = `${field}.${index}`;
    if (block.type === 'text') {
      if (typeof block.text !== 'string') throw validationError(`\`${at}.text\` is required in a text block`);
      texts.push(block);
    }
    else if (block.type === 'tool_use' && role === 'assistant') calls.push(toolCall(block, at));
    else if (block.type === 'tool_result' && role === 'user') results.push(toolResult(block, at));
    else if (block.type === 'tool_use' || block.type === 'tool_result') {
      throw validationError(`\`${at}\` is a ${block.type} block in a ${role} message: tool_use blocks belong to assistant messages, tool_result blocks to user messages.`);
    } else {
      throw validationError(`\`${at}\` is a "${block.type}" block: Brook's model reads text only. Send {"type": "text", "text": "..."} blocks.`);
    }
  });
  const joined = text(texts, field);
  if (role === 'assistant') return [{ role, content: joined, ...(calls.length > 0 ? { toolCalls: calls } : {}) }];
  return texts.length > 0 || results.length === 0 ? [...results, { role, content: joined }] : results;
}

function toolCall(block: AnthropicContentBlockParam, at: string): ToolCall {
  if (!block.id || !block.name) throw validationError(`\`${at}\` is a tool_use block without its \`id\` and \`name\``);
  const input = block.input ?? {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw validationError(`\`${at}.input\` must be an object`);
  return { id: block.id, name: block.name, arguments: JSON.stringify(input) };
}

function toolResult(block: AnthropicContentBlockParam, at: string): ChatMessage {
  if (!block.tool_use_id) throw validationError(`\`${at}.tool_use_id\` is required in a tool_result block`);
  const result = block.content === undefined ? '' : typeof block.content === 'string' ? block.content : text(block.content, `${at}.content`);
  return { role: 'tool', content: block.is_error ? `Error: ${result}` : result, toolCallId: block.tool_use_id };
}

/** Text blocks joined; any other block is refused with the reason. */
function text(blocks: readonly { type: string; text?: string | undefined }[], field: string): string {
  return blocks
    .map((block, index) => {
      if (block.type !== 'text') throw validationError(`\`${field}.${index}\` is a "${block.type}" block: Brook's model reads text only. Send {"type": "text", "text": "..."} blocks.`);
      if (typeof block.text !== 'string') throw validationError(`\`${field}.${index}.text\` is required in a text block`);
      return block.text;
    })
    .join('');
}
