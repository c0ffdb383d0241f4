// What distinguishes /api/chat's objects from /api/generate's: the reply text sits in `message.content` or in
// `response`. Everything else (model, created_at, done and the statistics) is the same.
import type { OllamaChatResponse, OllamaDoneFields, OllamaGenerateResponse } from '../../../wire/ollama.js';
import { createdAt } from './ollamaStatistics.js';

export type OllamaRoute = 'chat' | 'generate';

export function ollamaReply(route: OllamaRoute, model: string, text: string, done: boolean, statistics: OllamaDoneFields = {}): OllamaChatResponse | OllamaGenerateResponse {
  const head = { model, created_at: createdAt() };
  return route === 'chat'
    ? { ...head, message: { role: 'assistant', content: text }, done, ...statistics }
    : { ...head, response: text, done, ...statistics };
}
