// The command registry: adding a command is one file and one line here.
import { checkCommand } from './check.js';
import type { Command } from './command.js';
import { replayCommand } from './replay.js';
import { serveCommand } from './serve.js';
import { testCommand } from './test.js';
import { testAllCommand } from './test-all.js';

export const commands: ReadonlyMap<string, Command> = new Map<string, Command>([
  ['check', checkCommand],
  ['test', testCommand],
  ['replay', replayCommand],
  ['test-all', testAllCommand],
  ['serve', serveCommand],
]);
