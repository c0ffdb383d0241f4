// Chat messages as node-llama-cpp's chat history, so the model's own template renders them — tool calls and
// their results included, in the template's call syntax. An assistant turn that called tools, the tool
// results and the assistant's answer after them are one model turn, as the templates write them.
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions, ChatModelResponse, GbnfJsonSchema } from 'node-llama-cpp';
import { validationError } from '../errors.js';
import type { ChatMessage, ToolDefinition } from '../wire/generation.js';
import { enforceableSchema } from './enforceableSchema.js';

/**
 * The history ending with an open model turn for the reply (continuing the last one after tool results, or the
 * last assistant message itself when `continueLast` says it is an unfinished reply).
 */
export function toChatHistory(messages: readonly ChatMessage[], continueLast = false): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const awaiting = new Map<string, ChatModelFunctionCall>();
  let previous: ChatMessage['role'] | null = null;
  for (const [index, message] of messages.entries()) {
    if (message.role !== 'tool' && awaiting.size > 0) throw unanswered(awaiting);
    if (message.role === 'system') history.push({ type: 'system', text: message.content });
    else if (message.role === 'user') history.push({ type: 'user', text: message.content });
    else if (message.role === 'assistant') {
      // After tool results the answer continues the turn that called the tools.
      const last = history.at(-1);
      const turn: ChatModelResponse = previous === 'tool' && last?.type === 'model' ? last : { type: 'model', response: [] };
      if (turn !== last) history.push(turn);
      if (message.content) turn.response.push(message.content);
      for (const call of message.toolCalls ?? []) {
        const item: ChatModelFunctionCall = { type: 'functionCall', name: call.name, params: parsedArguments(call.arguments, index), result: undefined };
        awaiting.set(call.id, item);
        turn.response.push(item);
      }
    } else {
      const call = message.toolCallId === undefined ? undefined : awaiting.get(message.toolCallId);
      if (!call) {
        throw validationError(
          `\`messages[${index}]\` is a tool result for call id "${message.toolCallId ?? ''}", but no earlier assistant message has a tool call with that id (set \`tool_call_id\` to the \`id\` of the call it answers)`,
        );
      }
      call.result = parsedResult(message.content);
      awaiting.delete(message.toolCallId!);
    }
    previous = message.role;
  }
  if (awaiting.size > 0) throw unanswered(awaiting);
  // After tool results the reply continues that model turn; otherwise an empty model turn opens the reply.
  if (previous !== 'tool' && !(continueLast && previous === 'assistant')) history.push({ type: 'model', response: [] });
  return history;
}

/** Tools as the chat wrapper documents them to the model. */
export function toChatFunctions(tools: readonly ToolDefinition[]): ChatModelFunctions {
  return Object.fromEntries(
    tools.map((tool) => [tool.name, { description: tool.description, params: enforceableSchema(tool.parameters, `The parameters of tool "${tool.name}"`) as GbnfJsonSchema }]),
  );
}

function parsedArguments(text: string, index: number): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    throw validationError(`\`messages[${index}]\`: the \`arguments\` of a tool call must be JSON text, for example "{\\"city\\": \\"Paris\\"}"`);
  }
}

/** A tool result: JSON when it is JSON (the template writes it as such), the text otherwise. */
function parsedResult(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
}

function unanswered(awaiting: Map<string, ChatModelFunctionCall>) {
  const [id, call] = awaiting.entries().next().value!;
  return validationError(`The assistant's tool call "${id}" (${call.name}) has no tool message with its result: add {"role": "tool", "tool_call_id": "${id}", "content": ...} right after it`);
}
