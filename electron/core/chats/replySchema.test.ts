// "Reply as JSON (schema)" in a conversation's settings: every reply follows the schema (grammar-constrained,
// real model); a setting that is not an enforceable schema is refused in words.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../backends/local/LocalBackend.js';
import { bundledModelPath } from '../bundledModel.js';
import type { Message } from '../wire/chats.js';
import { ChatService } from './ChatService.js';
import { ChatStore } from './ChatStore.js';

let backend: LocalBackend;
let store: ChatStore;
let service: ChatService;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brook-reply-schema-'));
  backend = new LocalBackend({ sequences: 1, contextSize: 1024, maxConcurrentRequests: 2 });
  await backend.load(bundledModelPath());
  store = await ChatStore.open(dir);
  service = new ChatService(store, backend);
}, 120_000);
afterAll(async () => {
  await service?.stopAll();
  await store?.close();
  await backend?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Reply as JSON (schema)', { timeout: 240_000 }, () => {
  it('makes every reply valid JSON for the schema', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string', maxLength: 60 }, confident: { type: 'boolean' } }, required: ['answer', 'confident'] };
    const conversation = await service.create({ temperature: 0, max_new_tokens: 120, replySchema: JSON.stringify(schema) });
    const final = new Promise<Message>((resolve) => {
      const unsubscribe = service.onReply((update) => {
        if (update.conversationId === conversation.id && update.final) {
          unsubscribe();
          resolve(update.final);
        }
      });
    });
    await service.send(conversation.id, null, 'What is the capital of France?');
    const reply = await final;
    expect(reply.status).toBe('complete');
    expect(new Ajv2020({ strict: false }).validate(schema, JSON.parse(reply.content))).toBe(true);
  });

  it('refuses a setting that is not JSON, or not a schema it can enforce', async () => {
    await expect(service.create({ replySchema: '{not json' })).rejects.toThrow(/must be a JSON Schema written as JSON/);
    const conversation = await service.create({});
    await expect(service.updateSettings(conversation.id, { replySchema: '{"type": "string", "pattern": "^a"}' })).rejects.toThrow(/`pattern`/);
  });
});
