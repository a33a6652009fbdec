import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { PipelineConfig } from '@mnc/config';
import type { MessageBus } from '@mnc/messaging';
import { DATA_SOURCE, LOGGER, MESSAGE_BUS, PIPELINE_CONFIG } from '@mnc/stage-runtime';
import type { Logger } from 'pino';
import { OidcProvider } from './auth/oidc';
import { SessionSigner } from './auth/session';
import { ReadModelQueries } from './read-model/read-model';
import { IntakeClient, LanesClient, PhotoReviewClient, PkiClient, UpstreamHttp } from './upstream/upstream';

/** Tells open pages that the read model changed; bursts are folded into one notice per interval. */
@Injectable()
export class LiveFeed implements OnModuleDestroy {
  private readonly emitter = new EventEmitter();
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;

  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.emitter.setMaxListeners(0);
    // Another dashboard process may have projected what changed (it shares the read model, not this feed):
    // open pages also refresh on a slow beat.
    this.heartbeat = setInterval(() => this.changed('heartbeat'), 15_000);
    this.heartbeat.unref();
  }

  changed(what: string): void {
    this.pending.add(what);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const items = [...this.pending];
      this.pending = new Set();
      this.emitter.emit('changed', items);
    }, 300);
  }

  subscribe(listener: (items: string[]) => void): () => void {
    this.emitter.on('changed', listener);
    return () => this.emitter.off('changed', listener);
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    if (this.timer) clearTimeout(this.timer);
  }
}

/** What the dashboard's controllers and workers share: the runtime's handles, its clients and settings. */
@Injectable()
export class DashboardContext {
  readonly signer: SessionSigner;
  readonly oidc?: OidcProvider;
  readonly intake: IntakeClient;
  readonly photoReview: PhotoReviewClient;
  readonly lanes: LanesClient;
  readonly pki: PkiClient;

  constructor(
    @Inject(PIPELINE_CONFIG) readonly config: PipelineConfig,
    @Inject(DATA_SOURCE) readonly dataSource: DataSource,
    @Inject(MESSAGE_BUS) readonly bus: MessageBus,
    @Inject(LOGGER) readonly logger: Logger,
  ) {
    const d = config.dashboard;
    this.signer = new SessionSigner(d.sessionSecret, d.sessionHours * 3_600_000);
    if (d.oidc) this.oidc = new OidcProvider(d.oidc);
    const urls = config.serviceUrls;
    this.intake = new IntakeClient(new UpstreamHttp('intake', urls.intake, 'INTAKE_URL'), urls.intakeApiKey);
    this.photoReview = new PhotoReviewClient(
      new UpstreamHttp('photo-screening', urls.photoScreening, 'PHOTO_SCREENING_URL'),
    );
    this.lanes = new LanesClient(urls.encodeLanes);
    this.pki = new PkiClient(new UpstreamHttp('pki', urls.pki, 'PKI_URL'));
    if (d.sessionSecretIsEphemeral) {
      logger.warn('DASHBOARD_SESSION_SECRET is not set: sessions end when this process stops');
    }
    if (d.users.length === 0 && !d.oidc) logger.warn('no dashboard accounts: set DASHBOARD_USERS or OIDC_*');
  }

  queries(): ReadModelQueries {
    return new ReadModelQueries(this.dataSource.manager, this.config.dashboard.stageThresholdSeconds);
  }

  get sla() {
    return {
      normalHours: this.config.dashboard.slaHours.normal,
      expressHours: this.config.dashboard.slaHours.express,
    };
  }
}
