// TGI's Python clients, unchanged, against the real server: huggingface_hub's InferenceClient (POST / with
// stream) and TGI's own `text_generation` client, including the overload error each maps from 429.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { missingPython } from '../testing/missingPython.js';
import { startTestServer, type TestServer } from '../testing/startTestServer.js';

const missing = missingPython('pythonClients.test', ['huggingface_hub', 'text_generation'], ['huggingface_hub', 'text-generation']);

// Asynchronous: the server under test runs in this process and must keep answering.
async function python(script: string, ...urls: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('python3', ['-c', script, ...urls], { encoding: 'utf8', timeout: 120_000 });
  return stdout;
}

describe.skipIf(missing !== null)('Python clients', () => {
  let server: TestServer;
  let busy: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    busy = await startTestServer({ maxConcurrentRequests: 1, parallel: 1 });
  });
  afterAll(async () => {
    await server?.stop();
    await busy?.stop();
  });
  // Each test's generations end with it, even when it timed out.
  afterEach(() => Promise.all([server?.settle(), busy?.settle()]));

  it('huggingface_hub streams tokens with details through POST /', async () => {
    const out = await python(
      `
import json, sys
from huggingface_hub import InferenceClient
# Generous read timeouts: a loaded 2-core machine can take more than the clients' defaults (10 s for text_generation).
client = InferenceClient(sys.argv[1], timeout=120)
events = list(client.text_generation("Once upon a time", max_new_tokens=12, stream=True, details=True))
print(json.dumps({"texts": [e.token.text for e in events], "final": events[-1].generated_text,
                  "reason": str(events[-1].details.finish_reason), "count": events[-1].details.generated_tokens}))
`,
      server.url,
    );
    const result = JSON.parse(out) as { texts: string[]; final: string; reason: string; count: number };
    expect(result.texts).toHaveLength(12);
    expect(result.final).toBe(result.texts.join(''));
    expect(result.count).toBe(12);
    expect(result.reason).toContain('length');
  });

  it("TGI's text_generation client streams and generates", async () => {
    const out = await python(
      `
import json, sys
from text_generation import Client
client = Client(sys.argv[1], timeout=120)
streamed = [r for r in client.generate_stream("The capital of France is", max_new_tokens=8)]
whole = client.generate("The capital of France is", max_new_tokens=8)
print(json.dumps({"streamed": "".join(r.token.text for r in streamed), "last": streamed[-1].generated_text,
                  "whole": whole.generated_text, "tokens": whole.details.generated_tokens}))
`,
      server.url,
    );
    const result = JSON.parse(out) as { streamed: string; last: string; whole: string; tokens: number };
    expect(result.streamed).toBe(result.whole);
    expect(result.last).toBe(result.whole);
    expect(result.tokens).toBe(8);
  });

  it('a 429 reaches both clients as their overload error, and a 422 as their validation error', async () => {
    const running = await fetch(`${busy.url}/generate_stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: 'Once upon a time', parameters: { max_new_tokens: 2000 } }),
    });
    const reader = running.body!.getReader();
    await reader.read();
    try {
      const out = await python(
        `
import json, sys
from huggingface_hub import InferenceClient
from text_generation import Client
result = {}
try:
    list(InferenceClient(sys.argv[1], timeout=120).text_generation("Hi", max_new_tokens=5, stream=True))
except Exception as error:
    result["hub"] = type(error).__name__
try:
    Client(sys.argv[1], timeout=120).generate("Hi", max_new_tokens=5)
except Exception as error:
    result["tgi"] = type(error).__name__
try:
    Client(sys.argv[2], timeout=120).generate("Hi", max_new_tokens=5, temperature=-1.0)
except Exception as error:
    result["tgi_invalid"] = type(error).__name__
print(json.dumps(result))
`,
        busy.url,
        server.url,
      );
      const result = JSON.parse(out) as Record<string, string>;
      expect(result.hub).toBe('OverloadedError');
      expect(result.tgi).toBe('OverloadedError');
      expect(result.tgi_invalid).toBe('ValidationError');
    } finally {
      await reader.cancel();
    }
  });
});
