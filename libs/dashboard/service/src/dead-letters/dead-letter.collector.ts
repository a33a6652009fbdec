import { Injectable } from '@nestjs/common';
import { deadLetterTopic } from '@mnc/contracts';
import type { Subscription } from '@mnc/messaging';
import type { StageWorker } from '@mnc/stage-runtime';
import { DashboardContext, LiveFeed } from '../dashboard.context';
import { collectDeadLetter } from './dead-letters';

/** The collector's own consumer group; its failures park in its own dead-letter topic, which it does not read. */
export const DEAD_LETTER_COLLECTOR_GROUP = 'operator-dashboard-dead-letters';

/**
 * Reads every configured group's dead-letter topic into the dashboard's table. Dead letters are not
 * catalogue events (their topic is not their type's), so they are stored raw, keyed by topic position.
 */
@Injectable()
export class DeadLetterCollector implements StageWorker {
  private subscription?: Subscription;

  constructor(
    private readonly context: DashboardContext,
    private readonly live: LiveFeed,
  ) {}

  async start(): Promise<void> {
    const topics = this.context.config.dashboard.deadLetterGroups.map(deadLetterTopic);
    const own = deadLetterTopic(DEAD_LETTER_COLLECTOR_GROUP);
    await this.context.bus.ensureTopics([...topics, own].map((name) => ({ name, partitions: 1 })));
    this.subscription = await this.context.bus.subscribe({
      groupId: DEAD_LETTER_COLLECTOR_GROUP,
      topics,
      deadLetterTopic: own,
      handler: async (record) => {
        const stored = await collectDeadLetter(this.context.dataSource.manager, record);
        if (stored) this.live.changed('dead-letters');
        return stored ? 'processed' : 'duplicate';
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }
}
