import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, ProblemError, validationProblem } from '@mnc/stage-runtime';
import { WorkItemEntity, type WorkItemResolution } from './entities';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESOLUTIONS: readonly WorkItemResolution[] = [
  'redispatch-requested',
  'held-at-municipality',
  'card-destroyed',
];

function view(item: WorkItemEntity) {
  return {
    id: item.id,
    kind: item.kind,
    applicationId: item.applicationId,
    cardId: item.cardId,
    trackingNumber: item.trackingNumber,
    status: item.status,
    resolution: item.resolution,
    resolvedBy: item.resolvedBy,
    openedAt: item.openedAt.toISOString(),
    resolvedAt: item.resolvedAt?.toISOString() ?? null,
  };
}

/**
 * The operator work queue of the delivery stage: returned mail and undeliverable addresses. Resolving an item
 * records the operator's decision; acting on it (a new dispatch, destroying the card) is not automated yet.
 */
@Controller('v1/delivery/work-items')
export class WorkQueueController {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Get()
  async list(@Query('status') status: string | undefined) {
    const wanted = status ?? 'open';
    if (wanted !== 'open' && wanted !== 'resolved')
      throw validationProblem([
        { field: 'query.status', code: 'ONE_OF', message: 'must be open or resolved' },
      ]);
    const items = await this.dataSource.manager.find(WorkItemEntity, {
      where: { status: wanted },
      order: { openedAt: 'ASC' },
      take: 500,
    });
    return { items: items.map(view) };
  }

  @Post(':id/resolve')
  @HttpCode(200)
  async resolve(@Param('id') id: string, @Body() body: unknown) {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const errors = [];
    if (!UUID.test(id)) errors.push({ field: 'path.id', code: 'FORMAT', message: 'must be a UUID' });
    if (!RESOLUTIONS.includes(b['resolution'] as WorkItemResolution))
      errors.push({
        field: 'body.resolution',
        code: 'ONE_OF',
        message: `must be one of ${RESOLUTIONS.join(', ')}`,
      });
    if (typeof b['operator'] !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(b['operator']))
      errors.push({
        field: 'body.operator',
        code: 'FORMAT',
        message: 'must be an operator id of 1-64 visible ASCII characters',
      });
    if (errors.length > 0) throw validationProblem(errors);
    return this.dataSource.transaction(async (manager) => {
      const item = await manager.findOne(WorkItemEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!item) throw new ProblemError(404, 'not-found', 'Work item not found', `No work item ${id}.`);
      if (item.status === 'resolved')
        throw new ProblemError(
          409,
          'work-item-resolved',
          'Work item already resolved',
          `Resolved as ${item.resolution}.`,
        );
      const changes = {
        status: 'resolved' as const,
        resolution: b['resolution'] as WorkItemResolution,
        resolvedBy: b['operator'] as string,
        resolvedAt: new Date(),
      };
      await manager.update(WorkItemEntity, { id }, changes);
      return view({ ...item, ...changes });
    });
  }
}
