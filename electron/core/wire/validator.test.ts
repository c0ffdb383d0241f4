import { describe, expect, it } from 'vitest';
import { ExportConversation } from './chats.js';
import { GenerateRequest } from './tgi.js';
import { parse } from './validator.js';

const messageOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return { message: (error as Error).message, status: (error as { status?: number }).status };
  }
  throw new Error('expected a validation error');
};

describe('parse', () => {
  it("uses the schema's own TGI wording when it has one", () => {
    expect(messageOf(() => parse(GenerateRequest, { inputs: 'x', parameters: { top_p: 1 } }))).toEqual({
      message: 'Input validation error: `top_p` must be > 0.0 and < 1.0',
      status: 422,
    });
  });

  it('names a missing field, a wrong type and the allowed values of a choice', () => {
    expect(messageOf(() => parse(GenerateRequest, {})).message).toBe('Input validation error: `inputs` is required');
    expect(messageOf(() => parse(GenerateRequest, { inputs: 3 })).message).toBe('Input validation error: `inputs` must be string');
    expect(messageOf(() => parse(ExportConversation, { conversationId: 'abc', format: 'pdf' })).message).toBe(
      'Input validation error: `format` must be one of "markdown", "json"',
    );
  });

  it('returns the value when it is valid, without coercing types', () => {
    expect(parse(GenerateRequest, { inputs: 'Hi', parameters: { temperature: null } })).toEqual({ inputs: 'Hi', parameters: { temperature: null } });
    expect(() => parse(GenerateRequest, { inputs: 'Hi', parameters: { max_new_tokens: '5' } })).toThrow(/`parameters.max_new_tokens` must be integer/);
  });

  it('refuses numbers past the 64-bit range (1e309 parses as Infinity) with a clear message, not "Infinity"', () => {
    for (const field of ['temperature', 'top_k', 'repetition_penalty', 'top_p', 'max_new_tokens']) {
      const { message, status } = messageOf(() => parse(GenerateRequest, JSON.parse(`{"inputs":"x","parameters":{"${field}":1e309}}`)));
      expect(status).toBe(422);
      expect(message).toBe(`Input validation error: \`parameters.${field}\` is too large: it is beyond the range of a 64-bit number. Send a finite number`);
      expect(message).not.toMatch(/Infinity/);
    }
    expect(messageOf(() => parse(GenerateRequest, { inputs: 'x', parameters: { temperature: -Infinity } })).status).toBe(422);
  });
});
