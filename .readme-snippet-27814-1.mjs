import { InferenceClient } from "@huggingface/inference";

const client = new InferenceClient();
const stream = client.chatCompletionStream({
  endpointUrl: "http://127.0.0.1:33121",
  messages: [{ role: "user", content: "What is the capital of France?" }],
  max_tokens: 50,
});
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
}
console.log();
