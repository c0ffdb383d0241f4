// Copy-ready examples for other tools, filled with the endpoint's URL and API key: the Endpoint panel shows
// them, and README.md's "Use from other tools" section holds the same ones for http://127.0.0.1:8080 without a
// key (snippets.test.ts checks that they match, and runs them, filled with a key, against a real server).

export type SnippetLanguage = 'curl' | 'python' | 'javascript';

export interface Snippet {
  id:
    | 'curl-tgi'
    | 'curl-openai'
    | 'curl-ollama'
    | 'curl-anthropic'
    | 'python-huggingface-hub'
    | 'python-openai'
    | 'python-ollama'
    | 'python-anthropic'
    | 'js-huggingface-inference'
    | 'js-openai'
    | 'js-ollama';
  language: SnippetLanguage;
  /** The language of its fenced code block in README.md. */
  fence: 'bash' | 'python' | 'js';
  /** The client or protocol, as the panel labels it. */
  title: string;
  /** What to install first, if anything. */
  install: string | null;
  code: string;
}

export interface SnippetTarget {
  /** The endpoint's base URL, e.g. http://127.0.0.1:8080 (no trailing slash). */
  url: string;
  /** The key clients must send; null when none is needed. */
  apiKey: string | null;
}

export const SNIPPET_LANGUAGES: { language: SnippetLanguage; label: string }[] = [
  { language: 'curl', label: 'curl' },
  { language: 'python', label: 'Python' },
  { language: 'javascript', label: 'JavaScript' },
];

/** What the OpenAI and Anthropic clients send when no key is needed (they insist on one). */
const NO_KEY = 'not-needed';

/** A string literal that Python and JavaScript read the same way. */
const literal = (value: string): string => JSON.stringify(value);

/** A single-quoted shell word. */
const shellWord = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * The examples, in README.md's order: curl (TGI, OpenAI, Ollama, Anthropic), Python (huggingface_hub, openai,
 * ollama, anthropic), JavaScript (@huggingface/inference, openai, ollama).
 */
export function buildSnippets({ url, apiKey }: SnippetTarget): Snippet[] {
  const base = url.replace(/\/+$/, '');
  const authHeader = apiKey === null ? '' : `  -H ${shellWord(`Authorization: Bearer ${apiKey}`)} \\\n`;
  const openAIKey = literal(apiKey ?? NO_KEY);
  const bearer = apiKey === null ? null : literal(`Bearer ${apiKey}`);
  // Anthropic's clients send the key as x-api-key, which Brook accepts as well as a Bearer token.
  const xApiKeyHeader = apiKey === null ? '' : `  -H ${shellWord(`x-api-key: ${apiKey}`)} \\\n`;
  return [
    {
      id: 'curl-tgi',
      language: 'curl',
      fence: 'bash',
      title: 'TGI stream',
      install: null,
      code: `curl -N ${base}/generate_stream \\
  -H 'Content-Type: application/json' \\
${authHeader}  -d '{"inputs": "Once upon a time", "parameters": {"max_new_tokens": 30}}'
`,
    },
    {
      id: 'curl-openai',
      language: 'curl',
      fence: 'bash',
      title: 'OpenAI chat',
      install: null,
      code: `curl ${base}/v1/chat/completions \\
  -H 'Content-Type: application/json' \\
${authHeader}  -d '{"model": "brook", "messages": [{"role": "user", "content": "What is the capital of France?"}], "max_tokens": 50}'
`,
    },
    {
      id: 'curl-ollama',
      language: 'curl',
      fence: 'bash',
      title: 'Ollama chat',
      install: null,
      code: `curl ${base}/api/chat \\
  -H 'Content-Type: application/json' \\
${authHeader}  -d '{"model": "brook", "messages": [{"role": "user", "content": "What is the capital of France?"}], "options": {"num_predict": 50}}'
`,
    },
    {
      id: 'curl-anthropic',
      language: 'curl',
      fence: 'bash',
      title: 'Anthropic messages',
      install: null,
      code: `curl ${base}/v1/messages \\
  -H 'Content-Type: application/json' \\
  -H 'anthropic-version: 2023-06-01' \\
${xApiKeyHeader}  -d '{"model": "brook", "max_tokens": 50, "messages": [{"role": "user", "content": "What is the capital of France?"}]}'
`,
    },
    {
      id: 'python-huggingface-hub',
      language: 'python',
      fence: 'python',
      title: 'huggingface_hub',
      install: 'pip install huggingface_hub',
      code: `from huggingface_hub import InferenceClient

client = InferenceClient(${literal(base)}${apiKey === null ? '' : `, token=${literal(apiKey)}`})
for token in client.text_generation("Once upon a time", max_new_tokens=30, stream=True):
    print(token, end="", flush=True)
print()
`,
    },
    {
      id: 'python-openai',
      language: 'python',
      fence: 'python',
      title: 'openai',
      install: 'pip install openai',
      code: `from openai import OpenAI

client = OpenAI(base_url=${literal(`${base}/v1`)}, api_key=${openAIKey})
stream = client.chat.completions.create(
    model="brook",
    messages=[{"role": "user", "content": "What is the capital of France?"}],
    max_tokens=50,
    stream=True,
)
for chunk in stream:
    print(chunk.choices[0].delta.content or "", end="", flush=True)
print()
`,
    },
    {
      id: 'python-ollama',
      language: 'python',
      fence: 'python',
      title: 'ollama',
      install: 'pip install ollama',
      code: `from ollama import Client

client = Client(host=${literal(base)}${bearer === null ? '' : `, headers={"Authorization": ${bearer}}`})
stream = client.chat(
    model="brook",
    messages=[{"role": "user", "content": "What is the capital of France?"}],
    options={"num_predict": 50},
    stream=True,
)
for part in stream:
    print(part.message.content, end="", flush=True)
print()
`,
    },
    {
      id: 'python-anthropic',
      language: 'python',
      fence: 'python',
      title: 'anthropic',
      install: 'pip install anthropic',
      code: `import anthropic

client = anthropic.Anthropic(base_url=${literal(base)}, api_key=${openAIKey})
with client.messages.stream(
    model="brook",
    max_tokens=50,
    messages=[{"role": "user", "content": "What is the capital of France?"}],
) as stream:
    for text in stream.text_stream:
        print(text, end="", flush=True)
print()
`,
    },
    {
      id: 'js-huggingface-inference',
      language: 'javascript',
      fence: 'js',
      title: '@huggingface/inference',
      install: 'npm install @huggingface/inference',
      code: `import { InferenceClient } from "@huggingface/inference";

const client = new InferenceClient(${apiKey === null ? '' : literal(apiKey)});
const stream = client.chatCompletionStream({
  endpointUrl: ${literal(base)},
  messages: [{ role: "user", content: "What is the capital of France?" }],
  max_tokens: 50,
});
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
}
console.log();
`,
    },
    {
      id: 'js-openai',
      language: 'javascript',
      fence: 'js',
      title: 'openai',
      install: 'npm install openai',
      code: `import OpenAI from "openai";

const client = new OpenAI({ baseURL: ${literal(`${base}/v1`)}, apiKey: ${openAIKey} });
const stream = await client.chat.completions.create({
  model: "brook",
  messages: [{ role: "user", content: "What is the capital of France?" }],
  max_tokens: 50,
  stream: true,
});
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
}
console.log();
`,
    },
    {
      id: 'js-ollama',
      language: 'javascript',
      fence: 'js',
      title: 'ollama',
      install: 'npm install ollama',
      code: `import { Ollama } from "ollama";

const client = new Ollama({ host: ${literal(base)}${bearer === null ? '' : `, headers: { Authorization: ${bearer} }`} });
const stream = await client.chat({
  model: "brook",
  messages: [{ role: "user", content: "What is the capital of France?" }],
  options: { num_predict: 50 },
  stream: true,
});
for await (const part of stream) {
  process.stdout.write(part.message.content);
}
console.log();
`,
    },
  ];
}
