// A seeded fault schedule (Jepsen's nemesis generator): every `intervalMs` it either
// stops the fault in force or starts a new one, drawn from the composed nemeses, until
// `faultWindowMs`; then it stops what is in force and heals everything (links, paused
// and crashed members) so the run's remaining time is a recovery period before its
// final reads. Every start, stop and the final heal is handed to `note` with its time,
// which the runner records as a nemesis history event.

import { ConfigError, requirePositiveInteger } from '../server/config-error.js';
import type { Clock } from '../server/ports/clock.js';
import type { Random } from '../server/ports/random.js';
import type { FaultRecord, Nemesis, NemesisTarget } from './nemesis.js';

export const intervalMsDefault = 5_000;
/** Faults one schedule may start; a longer schedule is a runaway configuration. */
export const faultsMax = 100_000;

export interface NemesisScheduleOptions {
  readonly target: NemesisTarget;
  readonly nemeses: readonly Nemesis[];
  readonly clock: Clock;
  readonly random: Random;
  /** Time between fault transitions. Default 5 s. */
  readonly intervalMs?: number;
  /** Faults start only before this time (ms from `start()`); then everything heals. */
  readonly faultWindowMs: number;
  /** Receives every fault record when it happens. */
  readonly note: (record: FaultRecord) => void;
}

export class NemesisSchedule {
  private readonly intervalMs: number;
  private active: Nemesis | undefined;
  private faultCount = 0;
  private healed = false;

  constructor(private readonly options: NemesisScheduleOptions) {
    this.intervalMs = options.intervalMs ?? intervalMsDefault;
    requirePositiveInteger('intervalMs', this.intervalMs);
    requirePositiveInteger('faultWindowMs', options.faultWindowMs);
    if (options.faultWindowMs / this.intervalMs > faultsMax) {
      throw new ConfigError('intervalMs', this.intervalMs, `the schedule would exceed ${faultsMax} faults`);
    }
  }

  /** Faults started so far. */
  get faults(): number {
    return this.faultCount;
  }

  /** True once the final heal ran. */
  get isHealed(): boolean {
    return this.healed;
  }

  start(): void {
    const { clock, faultWindowMs } = this.options;
    const startMs = clock.nowMs();
    clock.setTimer(faultWindowMs, () => this.healAll());
    if (this.options.nemeses.length === 0) return;
    const step = (): void => {
      if (this.healed || clock.nowMs() - startMs >= faultWindowMs) return;
      this.transition();
      clock.setTimer(this.intervalMs, step);
    };
    clock.setTimer(this.intervalMs, step);
  }

  private transition(): void {
    const { target, random, note } = this.options;
    if (this.active !== undefined) {
      note(this.active.stop(target, random));
      this.active = undefined;
      return;
    }
    const nemesis = this.options.nemeses[random.intBelow(this.options.nemeses.length)]!;
    this.faultCount++;
    this.active = nemesis;
    note(nemesis.start(target, random));
  }

  /** Stops the fault in force, then heals links and brings every member back up. */
  private healAll(): void {
    const { target, random, note } = this.options;
    if (this.healed) return;
    this.healed = true;
    if (this.active !== undefined) {
      note(this.active.stop(target, random));
      this.active = undefined;
    }
    if (this.options.nemeses.length === 0) return;
    target.heal();
    const resumed = target.memberIds.filter((id) => target.stateOf(id) === 'paused');
    for (const id of resumed) target.resume(id);
    const restarted = target.memberIds.filter((id) => target.stateOf(id) === 'down');
    for (const id of restarted) target.restart(id);
    note({ f: 'heal', value: { resumed, restarted } });
  }
}

/** Splits `partition,kill` into names, dropping blanks, repeats and "none". */
export function parseNemesisNames(list: string): string[] {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0 && name !== 'none');
  return [...new Set(names)];
}
