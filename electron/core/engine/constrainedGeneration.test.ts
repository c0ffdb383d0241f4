// Grammar-constrained generation on the real model: whatever the tiny model writes, the output parses and
// satisfies the constraint (JSON schema, regex, tool calls). Never asserts the words it writes.
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledModelPath } from '../bundledModel.js';
import type { EndEvent, GenerationRequest, TokenEvent, ToolDefinition } from '../wire/generation.js';
import { Engine } from './Engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.load({ modelPath: bundledModelPath(), sequences: 1, contextSize: 2048 });
}, 120_000);
afterAll(async () => {
  await engine?.dispose();
});

async function generate(request: Partial<GenerationRequest>): Promise<{ tokens: TokenEvent[]; end: EndEvent }> {
  const prepared = engine.prepare({
    prompt: { messages: [{ role: 'user', content: 'Tell me about Paris.' }] },
    parameters: { do_sample: false, max_new_tokens: 120 },
    ...request,
  });
  const tokens: TokenEvent[] = [];
  let end: EndEvent | undefined;
  for await (const event of engine.run(prepared, engine.sequences[0]!, new AbortController().signal)) {
    if (event.type === 'token') tokens.push(event);
    else if (event.type === 'end') end = event;
  }
  return { tokens, end: end! };
}

const ajv = new Ajv2020({ strict: false });
const CITY = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 40 }, population: { type: 'integer' }, river: { anyOf: [{ type: 'string', maxLength: 30 }, { type: 'null' }] } },
  required: ['name', 'population', 'river'],
  additionalProperties: false,
};
const WEATHER: ToolDefinition = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 30 }, unit: { enum: ['celsius', 'fahrenheit'] } }, required: ['city', 'unit'] },
};
const TIME: ToolDefinition = { name: 'get_time', parameters: { type: 'object', properties: { timezone: { type: 'string', maxLength: 30 } }, required: ['timezone'] } };

describe('constrained generation', () => {
  it('writes JSON that validates against the schema', async () => {
    const { end } = await generate({ constraint: { type: 'json', schema: CITY }, parameters: { do_sample: false, max_new_tokens: 200 } });
    expect(end.finishReason).toBe('eos_token');
    expect(ajv.validate(CITY, JSON.parse(end.generatedText))).toBe(true);
  }, 120_000);

  it('writes some JSON object for json_object, sampled too', async () => {
    const { end } = await generate({ constraint: { type: 'json', schema: null }, parameters: { do_sample: true, seed: 7, max_new_tokens: 300 } });
    if (end.finishReason === 'eos_token') expect(typeof JSON.parse(end.generatedText)).toBe('object');
    else expect(end.generatedText.trimStart().startsWith('{')).toBe(true);
  }, 120_000);

  it('matches a regular expression in full', async () => {
    const pattern = '(yes|no), [0-9]{1,3} (cats|dogs)\\.';
    const { end } = await generate({ prompt: { text: 'Answer:' }, constraint: { type: 'regex', pattern } });
    expect(end.generatedText).toMatch(new RegExp(`^(?:${pattern})$`));
  }, 120_000);

  it('makes a required tool call whose arguments validate, streamed as a start and argument fragments', async () => {
    const { tokens, end } = await generate({ tools: [WEATHER, TIME], constraint: { type: 'tools', choice: 'required', parallel: false } });
    expect(end.toolCalls).toHaveLength(1);
    const [call] = end.toolCalls!;
    const tool = [WEATHER, TIME].find((candidate) => candidate.name === call!.name)!;
    expect(ajv.validate(tool.parameters, JSON.parse(call!.arguments))).toBe(true);
    const deltas = tokens.flatMap((token) => token.toolCallDeltas ?? []);
    expect(deltas[0]).toEqual({ type: 'call', index: 0, id: call!.id, name: call!.name });
    expect(deltas.filter((delta) => delta.type === 'arguments').map((delta) => (delta as { text: string }).text).join('')).toBe(call!.arguments);
  }, 120_000);

  it('calls the named tool when tool_choice names one', async () => {
    const { end } = await generate({ tools: [WEATHER, TIME], constraint: { type: 'tools', choice: { name: 'get_time' }, parallel: true } });
    expect(end.toolCalls!.length).toBeGreaterThanOrEqual(1);
    for (const call of end.toolCalls!) {
      expect(call.name).toBe('get_time');
      expect(ajv.validate(TIME.parameters, JSON.parse(call.arguments))).toBe(true);
    }
  }, 120_000);

  it('in auto mode answers in text or in calls, either well-formed', async () => {
    const { tokens, end } = await generate({ tools: [WEATHER], constraint: { type: 'tools', choice: 'auto', parallel: false } });
    const text = tokens.flatMap((token) => token.toolCallDeltas ?? []).filter((delta) => delta.type === 'text').map((delta) => (delta as { text: string }).text).join('');
    if (end.toolCalls!.length > 0) {
      expect(text).toBe('');
      expect(ajv.validate(WEATHER.parameters, JSON.parse(end.toolCalls![0]!.arguments))).toBe(true);
    } else expect(text).toBe(end.generatedText);
  }, 120_000);

  it('reads a tool result in the history and answers after it', async () => {
    const { end } = await generate({
      prompt: {
        messages: [
          { role: 'user', content: 'What is the weather in Paris?' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city": "Paris", "unit": "celsius"}' }] },
          { role: 'tool', content: '{"temperature": 21}', toolCallId: 'call_1' },
        ],
      },
      tools: [WEATHER],
      constraint: { type: 'tools', choice: 'auto', parallel: false },
    });
    expect(end.generatedTokens).toBeGreaterThan(0);
  }, 120_000);

  it('refuses what it cannot enforce with 422 naming it', () => {
    const prepare = (request: Partial<GenerationRequest>) => () =>
      engine.prepare({ prompt: { messages: [{ role: 'user', content: 'hi' }] }, parameters: {}, ...request });
    expect(prepare({ constraint: { type: 'json', schema: { type: 'string', pattern: '^a+$' } } })).toThrow(/`pattern`/);
    expect(prepare({ constraint: { type: 'json', schema: { type: 'nonsense' } } })).toThrow(/not a valid JSON Schema/);
    expect(prepare({ constraint: { type: 'regex', pattern: '(a)\\1' } })).toThrow(/back-references/);
    expect(prepare({ tools: [WEATHER], constraint: { type: 'tools', choice: { name: 'nope' }, parallel: false } })).toThrow(/"nope"/);
    expect(
      prepare({ prompt: { messages: [{ role: 'user', content: 'hi' }, { role: 'tool', content: '1', toolCallId: 'call_x' }] }, tools: [WEATHER] }),
    ).toThrow(/call_x/);
  });
});
