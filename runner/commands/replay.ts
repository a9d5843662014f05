// `etcd-chaos replay <run dir>`: reruns a stored sim run from its test.json (same seed,
// same config) and says whether the new history is bit-identical to the stored one.
// Exit: the replayed verdict's code (0 valid, 1 invalid, 2 unknown) when the hashes
// match; 1 when they differ (the replay did not reproduce the run); 254 for a run dir
// that cannot be read or was not a sim run.

import { join } from 'node:path';
import { ConfigError } from '../../server/config-error.js';
import { type SimTestOptions, sha256Hex, validateSimOptions } from '../run-sim.js';
import { exitCodeOfVerdict, runWithProgress, verdictWord } from '../sim-run-store.js';
import { type Command, exitCodes, parseInputJson, readInput, UsageError } from './command.js';

/** The run's options from test.json; every problem names the file and field. */
export function simOptionsOf(testJsonText: string, file: string): SimTestOptions {
  const parsed = parseInputJson(testJsonText, file);
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (record.mode !== 'sim') {
    throw new UsageError(`${file}: mode: only sim runs can be replayed, got ${JSON.stringify(record.mode)}`);
  }
  const options = record.simOptions;
  if (typeof options !== 'object' || options === null) {
    throw new UsageError(`${file}: simOptions: expected an object`);
  }
  const candidate = options as SimTestOptions;
  if (!Array.isArray(candidate.nemesis))
    throw new UsageError(`${file}: simOptions.nemesis: expected an array`);
  try {
    validateSimOptions(candidate);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new UsageError(`${file}: simOptions.${error.field}: ${error.message}`);
    throw error;
  }
  return candidate;
}

export const replayCommand: Command = {
  summary: 'rerun a stored sim run from its seed and compare history hashes',
  async run(args, io) {
    const [directory, ...rest] = args;
    if (directory === undefined || rest.length > 0)
      throw new UsageError('usage: etcd-chaos replay <run dir>');
    const testFile = join(directory, 'test.json');
    const options = simOptionsOf(await readInput(io, testFile), testFile);
    const storedHash = sha256Hex(await readInput(io, join(directory, 'history.jsonl')));
    io.stdout(`replaying ${directory}\nseed ${options.seed}\n`);
    const result = await runWithProgress(options, io);
    io.stdout(`verdict: ${verdictWord(result.results.valid)}\n`);
    if (result.historyHash !== storedHash) {
      io.stdout(`history hash DIFFERS: stored ${storedHash}, replayed ${result.historyHash}\n`);
      return exitCodes.invalid;
    }
    io.stdout(`history hash matches: ${storedHash}\n`);
    return exitCodeOfVerdict(result.results.valid);
  },
};
