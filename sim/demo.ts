// `npm run sim:raft`: the Raft-level simulation: a 5-node etcd-ts Raft cluster in the
// simulator under random partitions, crashes, pauses, clock skew, lossy links and
// membership changes for a few virtual minutes, then healed. It prints the seed first,
// every fault as it happens, each invariant with how often it was checked, and the trace
// hash; exit 0 when every invariant held, 1 when one broke, 254 for a bad flag.
// `--planted-bug NAME` switches a planted bug on: one realistic run may or may not hit it
// (seed 3 does for voteWithoutLogCheck); sim/planted-bugs.test.ts searches for each one.

import { randomInt } from 'node:crypto';
import { Xoshiro128 } from '../server/ports/random.js';
import { invariantNames } from './invariants.js';
import { type RunScheduleOptions, runSchedule } from './run-schedule.js';
import { generateSchedule } from './schedule.js';

interface DemoArgs {
  seed: number;
  minutes: number;
  verbose: boolean;
  plantedBug: PlantedBugName | undefined;
}

/** The planted bugs a demo can switch on, to watch the invariants catch one. */
const plantedBugs = {
  voteWithoutLogCheck: { raftPlantedBugs: { voteWithoutLogCheck: true } },
  commitOldTermByCounting: { raftPlantedBugs: { commitOldTermByCounting: true } },
  forgetVoteInHardState: { raftPlantedBugs: { forgetVoteInHardState: true } },
  sendBeforePersist: { hostPlantedBugs: { sendBeforePersist: true } },
} as const satisfies Record<string, RunScheduleOptions>;
type PlantedBugName = keyof typeof plantedBugs;

function isPlantedBugName(name: string | undefined): name is PlantedBugName {
  return name !== undefined && Object.hasOwn(plantedBugs, name);
}

const usage =
  'usage: npm run sim:raft -- [--seed N] [--minutes M (1-30, default 3)] [--verbose] ' +
  `[--planted-bug ${Object.keys(plantedBugs).join('|')}]`;

function parseArgs(argv: readonly string[]): DemoArgs | { error: string } {
  // A fresh seed comes from the OS when none is given; everything after derives from it.
  const args: DemoArgs = { seed: randomInt(2 ** 31), minutes: 3, verbose: false, plantedBug: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (flag === '--verbose') {
      args.verbose = true;
    } else if (flag === '--planted-bug') {
      if (!isPlantedBugName(value)) {
        return {
          error: `bad value for --planted-bug: ${value === undefined ? 'missing' : JSON.stringify(value)} (${usage})`,
        };
      }
      args.plantedBug = value;
      i++;
    } else if (flag === '--seed' || flag === '--minutes') {
      const number = Number(value);
      const max = flag === '--seed' ? Number.MAX_SAFE_INTEGER : 30;
      if (
        value === undefined ||
        !Number.isSafeInteger(number) ||
        number < (flag === '--seed' ? 0 : 1) ||
        number > max
      ) {
        return {
          error: `bad value for ${flag}: ${value === undefined ? 'missing' : JSON.stringify(value)} (${usage})`,
        };
      }
      if (flag === '--seed') args.seed = number;
      else args.minutes = number;
      i++;
    } else {
      return { error: `unknown flag ${JSON.stringify(flag)} (${usage})` };
    }
  }
  return args;
}

function replayCommand(args: DemoArgs): string {
  const bug = args.plantedBug === undefined ? '' : ` --planted-bug ${args.plantedBug}`;
  return `npm run sim:raft -- --seed ${args.seed} --minutes ${args.minutes}${bug}`;
}

function seconds(timeMs: number): string {
  return `${(timeMs / 1000).toFixed(3).padStart(8)} s`;
}

function main(argv: readonly string[]): number {
  const args = parseArgs(argv);
  if ('error' in args) {
    console.error(args.error);
    return 254;
  }
  const nodeCount = 5;
  const durationMs = args.minutes * 60_000;
  const gapMsMax = 4_000;
  const steps = Math.round(durationMs / (gapMsMax / 2));
  console.log(`etcd-chaos sim demo: seed ${args.seed}`);
  if (args.plantedBug !== undefined) console.log(`planted bug switched on: ${args.plantedBug}`);
  console.log(`replay: ${replayCommand(args)}`);
  const schedule = generateSchedule(new Xoshiro128(BigInt(args.seed) ^ 0xdec0den), {
    nodeCount,
    stepsMin: steps,
    stepsMax: steps,
    gapMsMax,
    crashWeight: 2,
    membership: true,
  });
  console.log(
    `cluster: ${nodeCount} nodes, ${schedule.steps.length} fault steps over ~${args.minutes} virtual min, ` +
      'a client proposing every 50 ms, then heal and check liveness',
  );
  let faults = 0;
  const result = runSchedule(schedule, args.seed, {
    ...(args.plantedBug === undefined ? {} : plantedBugs[args.plantedBug]),
    onTrace: (line) => {
      const match = / (fault|role|assertion) /.exec(line);
      if (match === null) return;
      if (match[1] === 'role' && !args.verbose && !line.endsWith('leader') && !/ leader t\d+$/.test(line))
        return;
      const [time, , ...rest] = line.split(' ');
      if (match[1] === 'fault') faults++;
      console.log(`[${seconds(Number(time) / 1000)}] ${rest.join(' ')}`);
    },
  });
  const checks = result.world.invariants.checks;
  console.log('invariants:');
  const broken = result.type === 'failed' ? result.caughtBy : undefined;
  for (const name of invariantNames) {
    console.log(`  ${name.padEnd(20)} ${name === broken ? 'VIOLATED' : 'ok      '} ${checks[name]} checks`);
  }
  const world = result.world;
  console.log(
    `run: ${seconds(world.nowMs()).trim()} virtual, ${faults} faults, ${world.processedEvents} events, ` +
      `${world.network.stats.delivered} messages delivered, ${world.acknowledged.size} of ${world.proposalsSent} proposals acknowledged`,
  );
  console.log(`trace: ${world.trace.lineCount} lines, sha256 ${result.traceHash}`);
  if (result.type === 'failed') {
    console.log(`FAILED: ${result.caughtBy} at ${seconds(result.timeMs).trim()}: ${result.message}`);
    console.log(`replay: ${replayCommand(args)}`);
    return 1;
  }
  console.log('result: every invariant held');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
