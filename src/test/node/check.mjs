// Shared bits of the SDK check scripts: arguments, assertions that name what differed, and the
// one JSON line a script prints for its JUnit wrapper. A failed check exits non-zero with a
// message on stderr.
import { isDeepStrictEqual, inspect } from 'node:util';

/** The script's arguments: <baseURL> <apiKey> <model>. */
export function args() {
  const [baseURL, apiKey, model] = process.argv.slice(2);
  if (!baseURL || !apiKey || !model) fail(`usage: node ${process.argv[1]} <baseURL> <apiKey> <model>`);
  return { baseURL, apiKey, model };
}

export function fail(message) {
  const error = new Error(message);
  error.name = 'CheckFailed';
  throw error;
}

const show = (v) => inspect(v, { depth: 6, breakLength: 120 });

export function ok(condition, what) {
  if (!condition) fail(what);
}

export function equal(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Runs the checks; prints their result as one JSON line, or the failure and exit code 1. */
export async function run(checks) {
  try {
    const result = await checks();
    console.log(JSON.stringify(result ?? {}));
  } catch (e) {
    console.error(e?.name === 'CheckFailed' ? `check failed: ${e.message}` : e?.stack ?? String(e));
    if (e?.cause) console.error('cause:', e.cause);
    process.exit(1);
  }
}
