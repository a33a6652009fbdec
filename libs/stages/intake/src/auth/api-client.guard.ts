import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  type OnModuleInit,
} from '@nestjs/common';
import type { Request } from 'express';
import type { PipelineConfig } from '@mnc/config';
import { LOGGER, PIPELINE_CONFIG, ProblemError } from '@mnc/stage-runtime';
import type { Logger } from 'pino';
import { type ApiClient, authenticate, OPEN_DEVELOPMENT_CLIENT } from './api-client';

export type AuthenticatedRequest = Request & { apiClient: ApiClient };

export class IntakeStartupError extends Error {
  override readonly name = 'IntakeStartupError';
}

/**
 * Intake refuses to start without API clients, except in the embedded development mode (no DATABASE_URL),
 * where it says loudly that the API is open. One provider, so it is said once.
 */
@Injectable()
export class ApiClientsStartupCheck implements OnModuleInit {
  constructor(
    @Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    if (this.config.apiClients.length > 0) return;
    if (this.config.databaseUrl) {
      throw new IntakeStartupError(
        'MNC_API_CLIENTS: at least one intake API client is required with DATABASE_URL',
      );
    }
    this.logger.warn(
      'MNC_API_CLIENTS is empty in the embedded mode: the intake API accepts requests without a key, for every municipality',
    );
  }
}

/** Every /v1 route needs an API key of a configured client (MNC_API_CLIENTS), but in the open embedded mode. */
@Injectable()
export class ApiClientGuard implements CanActivate {
  constructor(@Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig) {}

  private get open(): boolean {
    return this.config.apiClients.length === 0 && !this.config.databaseUrl;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const client = this.open
      ? OPEN_DEVELOPMENT_CLIENT
      : authenticate(request.headers.authorization, this.config.apiClients);
    if (!client) {
      throw new ProblemError(
        401,
        'unauthenticated',
        'Authentication required',
        'Send the API key of your municipal system as "Authorization: Bearer <key>".',
        [
          {
            field: 'header.Authorization',
            code: 'UNAUTHENTICATED',
            message: 'is missing or not a valid API key',
          },
        ],
      );
    }
    request.apiClient = client;
    return true;
  }
}
