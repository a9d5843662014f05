// A seeded fault schedule (Jepsen's composed nemesis generator): every `intervalMs` it
// draws one of the composed nemeses and toggles it — starts it if it is not in force,
// stops it if it is — so with several nemeses several faults can be in force at once (a
// partition during a kill), until `faultWindowMs`. Then it heals everything (stops what
// is in force, heals links, resumes paused and restarts crashed members, then undoes the
// faults that need a working cluster, such as a removed member) so the run's remaining
// time is a recovery period before its final reads. Every start, stop, refusal and the
// final heal is handed to `note` with its time: the runner records each as a nemesis
// history event.
//
// Transitions run one at a time: each awaits the target's (possibly remote) controls,
// and the next timer is set only after the previous transition finished.

import { ConfigError, requirePositiveInteger } from '../server/config-error.js';
import type { Clock } from '../server/ports/clock.js';
import type { Random } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';
import {
  type FaultRecord,
  membersIn,
  type Nemesis,
  type NemesisTarget,
  UnsupportedFault,
} from './nemesis.js';

export const intervalMsDefault = 5_000;
/** Faults one schedule may start; a longer schedule is a runaway configuration. */
export const faultsMax = 100_000;
/** Tries the final heal gives a fault that cannot be undone yet (no quorum so far). */
export const healStopAttemptsMax = 3;

export interface NemesisScheduleOptions {
  readonly target: NemesisTarget;
  readonly nemeses: readonly Nemesis[];
  readonly clock: Clock;
  readonly random: Random;
  /** Time between fault transitions. Default 5 s. */
  readonly intervalMs?: number;
  /** Faults start only before this time (ms from `start()`); then everything heals. */
  readonly faultWindowMs: number;
  /**
   * Several faults may be in force at once (default, as Jepsen's composed nemeses).
   * False: a fault in force is stopped before another starts.
   */
  readonly overlapping?: boolean;
  /** Receives every fault record when it happens. */
  readonly note: (record: FaultRecord) => void;
}

export class NemesisSchedule {
  private readonly intervalMs: number;
  /** Faults in force, in the order they started. */
  private readonly active: Nemesis[] = [];
  private readonly unsupported = new Set<Nemesis>();
  private faultCount = 0;
  private healed = false;
  private healing = false;
  /** Set by cancel(): no control runs after the one in progress. */
  private cancelled = false;
  /** The transition running now, or the last one: the next one chains after it. */
  private chain: Promise<void> = Promise.resolve();
  private resolveHealed: () => void = () => {};
  private readonly healedPromise = new Promise<void>((resolve) => {
    this.resolveHealed = resolve;
  });

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

  /**
   * Stops the schedule for good: the control in progress finishes, no other one starts
   * (the cluster is about to be stopped, and a late restart or member add must not start
   * a member nobody will stop). Resolves when the control in progress has finished.
   */
  cancel(): Promise<void> {
    this.cancelled = true;
    return this.chain;
  }

  /** Names of the faults in force now, in the order they started. */
  get inForce(): string[] {
    return this.active.map((nemesis) => nemesis.name);
  }

  /** Settles when the final heal has finished. */
  whenHealed(): Promise<void> {
    return this.healedPromise;
  }

  start(): void {
    const { clock, faultWindowMs } = this.options;
    const startMs = clock.nowMs();
    const inWindow = (): boolean => !this.healing && clock.nowMs() - startMs < faultWindowMs;
    clock.setTimer(faultWindowMs, () => {
      this.healing = true;
      this.serially(() => this.healAll());
    });
    if (this.options.nemeses.length === 0) return;
    const step = (): void => {
      if (!inWindow()) return;
      this.serially(async () => {
        await this.transition();
        if (inWindow()) clock.setTimer(this.intervalMs, step);
      });
    };
    clock.setTimer(this.intervalMs, step);
  }

  /** Runs `operation` after every earlier transition finished; never two at once. */
  private serially(operation: () => Promise<void>): void {
    this.chain = this.chain
      .then(() => (this.cancelled ? undefined : operation()))
      .catch((error: unknown) => {
        this.options.note({ f: 'nemesis-error', value: { phase: 'schedule', error: messageOf(error) } });
      });
  }

  private async transition(): Promise<void> {
    const { random, overlapping } = this.options;
    const candidates = this.options.nemeses.filter((nemesis) => !this.unsupported.has(nemesis));
    if (candidates.length === 0) return;
    const nemesis = candidates[random.intBelow(candidates.length)]!;
    if (this.active.includes(nemesis)) {
      await this.stopFault(nemesis);
      return;
    }
    if (overlapping === false && this.active.length > 0) {
      // One fault at a time: the draw stops the fault in force instead.
      await this.stopFault(this.active[0]!);
      return;
    }
    const holder = this.active.find(
      (each) => nemesis.resource !== undefined && each.resource === nemesis.resource,
    );
    if (holder !== undefined) {
      // Its stop would undo the holder's fault too (heal restores every link): stop the holder.
      await this.stopFault(holder);
      return;
    }
    await this.startFault(nemesis);
  }

  private async startFault(nemesis: Nemesis): Promise<void> {
    const { target, random, note } = this.options;
    this.faultCount++;
    try {
      note(await nemesis.start(target, random));
      this.active.push(nemesis);
    } catch (error) {
      if (error instanceof UnsupportedFault) {
        this.unsupported.add(nemesis);
        note({
          f: 'unsupported',
          value: { nemesis: nemesis.name, fault: error.fault, reason: error.reason },
        });
      } else {
        note({
          f: 'nemesis-error',
          value: { nemesis: nemesis.name, phase: 'start', error: messageOf(error) },
        });
      }
      // Undo whatever part of the fault happened before the failure.
      await this.stopFault(nemesis);
    }
  }

  /** Stops a fault; one that cannot be stopped now stays in force for a later try. */
  private async stopFault(nemesis: Nemesis): Promise<boolean> {
    const { target, random, note } = this.options;
    try {
      note(await nemesis.stop(target, random));
      const index = this.active.indexOf(nemesis);
      if (index >= 0) this.active.splice(index, 1);
      return true;
    } catch (error) {
      note({ f: 'nemesis-error', value: { nemesis: nemesis.name, phase: 'stop', error: messageOf(error) } });
      return false;
    }
  }

  /**
   * Stops the faults in force, heals links and brings every member back up, then undoes
   * the faults that need a working cluster; a stop that fails is tried up to
   * `healStopAttemptsMax` times.
   */
  private async healAll(): Promise<void> {
    const { target, note } = this.options;
    if (this.healed) return;
    try {
      if (this.options.nemeses.length === 0) return;
      for (const nemesis of this.active.filter((each) => !each.stopNeedsQuorum)) {
        if (this.cancelled) return;
        await this.stopFault(nemesis);
      }
      if (this.cancelled) return;
      await target.heal();
      const resumed = await membersIn(target, { among: target.memberIds, states: ['paused'] });
      for (const id of resumed) if (!this.cancelled) await target.resume(id);
      const restarted: NodeId[] = await membersIn(target, { among: target.memberIds, states: ['down'] });
      for (const id of restarted) if (!this.cancelled) await target.restart(id);
      for (let attempt = 0; attempt < healStopAttemptsMax && this.active.length > 0; attempt++) {
        for (const nemesis of [...this.active]) if (!this.cancelled) await this.stopFault(nemesis);
      }
      note({ f: 'heal', value: { resumed, restarted, inForce: this.inForce } });
    } finally {
      this.healed = true;
      this.resolveHealed();
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Splits `partition,kill` into names, dropping blanks, repeats and "none". */
export function parseNemesisNames(list: string): string[] {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0 && name !== 'none');
  return [...new Set(names)];
}
