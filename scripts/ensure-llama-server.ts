// `npm test` and `npm run bench` step: builds llama.cpp's llama-server once (the remote-backend tests' upstream
// and the bench's reference peer), or says why it cannot; the tests that need it then report themselves skipped.
import { ensureLlamaServer } from './llamaServer.js';

const result = await ensureLlamaServer((line) => console.log(line));
if ('skipped' in result) console.warn(`llama-server is not available: ${result.skipped}`);
else console.log(`llama-server: ${result.path}`);
