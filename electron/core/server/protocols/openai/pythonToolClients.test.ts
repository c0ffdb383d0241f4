// Tools, structured output and embeddings with the Python clients, unchanged, against the real server and
// model: openai (parse with pydantic, tools, a streamed call, an agent round trip, embeddings), LangChain
// (bind_tools, with_structured_output) and huggingface_hub (text_generation with a grammar, chat_completion
// with tools). Each script prints JSON the test checks; the model's words are never asserted.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { missingPython } from '../../../testing/missingPython.js';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';

const MODULES = ['openai', 'pydantic', 'langchain_openai', 'huggingface_hub', 'jsonschema'];
const missing = missingPython('pythonToolClients.test', MODULES, ['openai', 'pydantic', 'langchain-openai', 'huggingface_hub', 'jsonschema']);

async function python(script: string, url: string): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)('python3', ['-c', script, url], { encoding: 'utf8', timeout: 300_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

const PRELUDE = `
import json, sys
from openai import OpenAI
base = sys.argv[1]
client = OpenAI(base_url=base + "/v1", api_key="not-needed", max_retries=0, timeout=300)
weather = {"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",
  "parameters": {"type": "object", "properties": {"city": {"type": "string", "maxLength": 30},
  "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city", "unit"]}}}
ask = [{"role": "user", "content": "What is the weather in Paris?"}]
`;

describe.skipIf(missing !== null)('Python clients: tools, structured output, embeddings', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(() => server?.settle());

  it('openai: parse with pydantic, required and auto tools, a streamed call, an agent round trip, embeddings', async () => {
    const result = await python(
      `${PRELUDE}
import jsonschema
from pydantic import BaseModel, Field
class City(BaseModel):
    name: str = Field(max_length=40)
    country: str = Field(max_length=40)
    population: int
out = {}
parsed = client.beta.chat.completions.parse(model="brook", messages=[{"role": "user", "content": "Describe Paris."}],
    temperature=0, max_tokens=200, response_format=City) if hasattr(client, "beta") and hasattr(client.beta, "chat") else \\
    client.chat.completions.parse(model="brook", messages=[{"role": "user", "content": "Describe Paris."}], temperature=0, max_tokens=200, response_format=City)
out["parsed"] = isinstance(parsed.choices[0].message.parsed, City)

required = client.chat.completions.create(model="brook", messages=ask, temperature=0, tools=[weather], tool_choice="required")
calls = required.choices[0].message.tool_calls
for call in calls:
    jsonschema.validate(json.loads(call.function.arguments), weather["function"]["parameters"])
out["required"] = [required.choices[0].finish_reason, len(calls), calls[0].function.name]

auto = client.chat.completions.create(model="brook", messages=ask, temperature=0, tools=[weather])
out["auto"] = auto.choices[0].finish_reason in ("stop", "length", "tool_calls")

with client.chat.completions.stream(model="brook", messages=ask, temperature=0, tools=[weather], tool_choice="required") as stream:
    final = stream.get_final_completion()
streamed = final.choices[0].message.tool_calls
for call in streamed:
    jsonschema.validate(json.loads(call.function.arguments), weather["function"]["parameters"])
out["streamed"] = [final.choices[0].finish_reason, len(streamed) >= 1, streamed[0].id.startswith("call_")]

first = client.chat.completions.create(model="brook", messages=ask, temperature=0, tools=[weather], tool_choice="required", parallel_tool_calls=False)
message = first.choices[0].message
history = ask + [message.model_dump(exclude_none=True)] + [{"role": "tool", "tool_call_id": c.id, "content": json.dumps({"temperature": 21})} for c in message.tool_calls]
answer = client.chat.completions.create(model="brook", messages=history, temperature=0, max_tokens=40, tools=[weather], tool_choice="none")
out["round_trip"] = [answer.choices[0].message.tool_calls is None, isinstance(answer.choices[0].message.content, str)]

embeddings = client.embeddings.create(model="brook", input=["Paris is in France.", "Cats purr."])
out["embeddings"] = [len(embeddings.data), len(embeddings.data[0].embedding) > 0, embeddings.usage.prompt_tokens > 0]
print(json.dumps(out))
`,
      server.url,
    );
    const [finish, count, name] = result.required as [string, number, string];
    expect([finish, name]).toEqual(['tool_calls', 'get_weather']);
    expect(count).toBeGreaterThanOrEqual(1);
    expect(result).toMatchObject({
      parsed: true,
      auto: true,
      streamed: ['tool_calls', true, true],
      round_trip: [true, true],
      embeddings: [2, true, true],
    });
  }, 600_000);

  it('LangChain: bind_tools gives tool calls, with_structured_output gives the pydantic object', async () => {
    const result = await python(
      `
import json, sys
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, Field
class GetWeather(BaseModel):
    """The weather in a city."""
    city: str = Field(max_length=30)
class Answer(BaseModel):
    city: str = Field(max_length=30)
    sunny: bool
llm = ChatOpenAI(base_url=sys.argv[1] + "/v1", api_key="not-needed", model="brook", temperature=0, max_retries=0, timeout=300)
message = llm.bind_tools([GetWeather], tool_choice="required").invoke("What is the weather in Paris?")
calls = message.tool_calls
structured = llm.with_structured_output(Answer).invoke("Is it sunny in Paris?")
print(json.dumps({"calls": len(calls) >= 1, "name": calls[0]["name"], "city": isinstance(calls[0]["args"]["city"], str),
                  "structured": isinstance(structured, Answer)}))
`,
      server.url,
    );
    expect(result).toEqual({ calls: true, name: 'GetWeather', city: true, structured: true });
  }, 600_000);

  it('huggingface_hub: text_generation with a grammar, chat_completion with tools', async () => {
    const result = await python(
      `
import json, re, sys
import jsonschema
from huggingface_hub import InferenceClient
client = InferenceClient(sys.argv[1], timeout=300)
schema = {"type": "object", "properties": {"name": {"type": "string", "maxLength": 30}, "age": {"type": "integer"}}, "required": ["name", "age"]}
text = client.text_generation("A person as JSON:", max_new_tokens=80, grammar={"type": "json", "value": schema})
jsonschema.validate(json.loads(text), schema)
pattern = "(yes|no)"
answer = client.text_generation("Is Paris in France?", max_new_tokens=5, grammar={"type": "regex", "value": pattern})
chat = InferenceClient(sys.argv[1] + "/v1", timeout=300)
tools = [{"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",
  "parameters": {"type": "object", "properties": {"city": {"type": "string", "maxLength": 30}}, "required": ["city"]}}}]
reply = chat.chat_completion(messages=[{"role": "user", "content": "Weather in Paris?"}], tools=tools, tool_choice="required", max_tokens=60)
call = reply.choices[0].message.tool_calls[0]
arguments = call.function.arguments if isinstance(call.function.arguments, dict) else json.loads(call.function.arguments)
jsonschema.validate(arguments, tools[0]["function"]["parameters"])
print(json.dumps({"json": True, "regex": re.fullmatch(pattern, answer) is not None, "tool": call.function.name}))
`,
      server.url,
    );
    expect(result).toEqual({ json: true, regex: true, tool: 'get_weather' });
  }, 600_000);
});
