import type { Type } from '@nestjs/common';
import type { EventHandlers } from '@mnc/messaging';
import type { ServiceStore } from '@mnc/persistence';

export type StageName =
  | 'intake'
  | 'photo-screening'
  | 'issuance-data'
  | 'encode-lane'
  | 'pre-delivery'
  | 'delivery'
  | 'operator-dashboard'
  | 'pki';

/** A stage's event handlers, provided by the stage's Nest module so they can use its services. */
export interface StageConsumer {
  handlers(): EventHandlers;
}

/** Background work a stage runs beside its consumer (a carrier poller, a lane dispatcher). */
export interface StageWorker {
  start(): Promise<void>;
  /** Finishes what is in flight; called before the bus and database close. */
  stop(): Promise<void>;
}

/**
 * Everything the runtime needs to host a stage, in a separate process or in the embedded one: its name
 * (consumer group, CloudEvents source, logger), its database schema and migrations, and its Nest module.
 */
export interface StageDefinition {
  readonly name: StageName;
  readonly store: ServiceStore;
  readonly module: Type<unknown>;
  /** Provider class in `module` (and exported by it) whose handlers() the runtime subscribes. */
  readonly consumer?: Type<StageConsumer>;
  readonly workers?: readonly Type<StageWorker>[];
}

export function defineStage(definition: StageDefinition): StageDefinition {
  return definition;
}

export function eventSource(stage: StageName): string {
  return `/mnc/${stage}`;
}
