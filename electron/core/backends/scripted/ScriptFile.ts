// The script of the scripted backend (--scripted PATH): which reply to give to which message, and how fast.
// Example: {"tokensPerSecond": 40, "replies": [{"when": "table", "text": "| a | b |\n|---|---|\n| 1 | 2 |"}],
//           "default": "Hello! How can I help?"}
import { Type, type Static } from 'typebox';
import { parse } from '../../wire/validator.js';

const Reply = Type.Object({
  /** The reply is given when the last user message contains this text. */
  when: Type.String({ minLength: 1 }),
  text: Type.String(),
  tokensPerSecond: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000 })),
});

export const ScriptSchema = Type.Object({
  tokensPerSecond: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000 })),
  replies: Type.Optional(Type.Array(Reply)),
  default: Type.Optional(Type.String()),
});

export interface ScriptedReply {
  text: string;
  tokensPerSecond: number;
}

const DEFAULT_TOKENS_PER_SECOND = 40;
const DEFAULT_REPLY = 'This is a scripted reply.';

export class Script {
  constructor(private readonly source: Static<typeof ScriptSchema>) {}

  /** The first reply whose `when` the message contains, else the default. */
  replyTo(message: string): ScriptedReply {
    const pace = this.source.tokensPerSecond ?? DEFAULT_TOKENS_PER_SECOND;
    const match = this.source.replies?.find((reply) => message.includes(reply.when));
    if (match) return { text: match.text, tokensPerSecond: match.tokensPerSecond ?? pace };
    return { text: this.source.default ?? DEFAULT_REPLY, tokensPerSecond: pace };
  }
}

export const ScriptFile = {
  /** Parses a script file's text; throws with the file's name and what is wrong. */
  parse(text: string, path: string): Script {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`The script ${path} is not valid JSON: ${(error as Error).message}`);
    }
    try {
      return new Script(parse(ScriptSchema, json));
    } catch (error) {
      throw new Error(`The script ${path} does not have the expected shape: ${(error as Error).message}`);
    }
  },
};
