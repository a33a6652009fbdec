import { Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import type { PipelineConfig } from '@mnc/config';
import { InProcessStation, listPcscReaders, PcscStation } from '@mnc/pcsc';
import type { BlobStore } from '@mnc/secure-store';
import { BLOB_STORE, defineStage, PIPELINE_CONFIG } from '@mnc/stage-runtime';
import { RsaKeyReserve } from '@mnc/virtual-card';
import { CardAttemptEntity } from './attempt.entity';
import { BuiltInPrinter } from './card-face/printer';
import { DeviceTime, TimedStation } from './device-timing';
import { EncodeLaneConsumer } from './encode-lane.consumer';
import { EncoderDevice } from './encoder-device';
import { InProcessCardHopper, VirtualCardProcessFeeder } from './feeders';
import { LaneDispatcher } from './lane-dispatcher';
import { LaneJobEntity } from './lane-job.entity';
import { LaneService } from './lane.service';
import { LanesController } from './lanes.controller';
import { EncodeLaneInit1764288000000, EncodeLaneQueues1764892800000 } from './migrations';
import { BullmqLaneQueue } from './queue/bullmq-lane-queue';
import type { LaneQueue } from './queue/lane-queue';
import { MemoryLaneQueue } from './queue/memory-lane-queue';
import { CARD_PRINTER, DEVICE_TIME, ENCODER_DEVICE, LANE_CERTIFICATE_AUTHORITY, LANE_QUEUE } from './tokens';
import {
  CERTIFICATE_AUTHORITY,
  resolveCertificateAuthority,
  type CertificateAuthority,
} from '@mnc/pki-client';

export * from './personalisation-script';
export * from './card-encoder';
export { CardAttemptEntity } from './attempt.entity';
export { LaneJobEntity } from './lane-job.entity';
export { InProcessCardHopper, VirtualCardProcessFeeder } from './feeders';
export * from './queue/lane-queue';
export { MemoryLaneQueue } from './queue/memory-lane-queue';
export { BullmqLaneQueue } from './queue/bullmq-lane-queue';
export { LaneStats, type LaneFigures } from './lane-stats';
export { LaneService, MAX_CARD_ATTEMPTS, type LaneState, type LaneView } from './lane.service';
export { DeviceTime, TimedStation } from './device-timing';
export { EncoderDevice } from './encoder-device';
export * from './card-face/face-model';
export * from './card-face/face-layout';
export { renderFace, faceSvg, FACE_FONT_FAMILY } from './card-face/face-renderer';
export { BuiltInPrinter, type CardPrinter, type FaceImages, type PrintedFaces } from './card-face/printer';
export { CARD_PRINTER, DEVICE_TIME, ENCODER_DEVICE, LANE_QUEUE } from './tokens';

const IN_PROCESS_RSA_KEY_RESERVE = 4;

function buildEncoder(config: PipelineConfig, time: DeviceTime): EncoderDevice {
  const timed = (station: InProcessStation | PcscStation) =>
    new TimedStation(station, config.encodeMsPerApdu, time);
  if (config.encoderStation === 'in-process') {
    // The simulated encoder's chips take no time to make keys (device time is LANE_ENCODE_MS_PER_APDU's):
    // RSA pairs come from a reserve made in the background, off the event loop.
    const reserve = new RsaKeyReserve(IN_PROCESS_RSA_KEY_RESERVE);
    return new EncoderDevice(
      () => {
        const station = new InProcessStation();
        return {
          station: timed(station),
          feeder: new InProcessCardHopper(station, { generateKey: reserve.generate }),
        };
      },
      async () => true,
    );
  }
  const controlUrl = config.virtualCardControlUrl;
  if (!controlUrl) {
    // A real encoder line would plug its printer's card path in here; only the virtual one exists so far.
    throw new Error(
      'ENCODER_STATION=pcsc needs VIRTUAL_CARD_CONTROL_URL: the only card feeder built is the virtual one',
    );
  }
  return new EncoderDevice(
    () => ({
      station: timed(new PcscStation({ readerName: config.pcscReader })),
      feeder: new VirtualCardProcessFeeder(controlUrl),
    }),
    async () =>
      (await listPcscReaders({ expectPrefix: config.pcscReader, timeoutMs: 1000 }).catch(() => [])).some(
        (r) => r.startsWith(config.pcscReader),
      ),
  );
}

function buildQueue(config: PipelineConfig): LaneQueue {
  return config.laneQueue === 'bullmq'
    ? new BullmqLaneQueue({ redisUrl: config.redisUrl, pool: config.lanePool })
    : new MemoryLaneQueue(config.lanePool);
}

/** Closes the queue connections and the reader once the lane and dispatcher (workers) have stopped. */
@Injectable()
class EncodeLaneResources implements OnModuleDestroy {
  constructor(
    @Inject(LANE_QUEUE) private readonly queue: LaneQueue,
    @Inject(ENCODER_DEVICE) private readonly encoder: EncoderDevice,
  ) {}
  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
    await this.encoder.close();
  }
}

@Module({
  controllers: [LanesController],
  providers: [
    { provide: DEVICE_TIME, useFactory: () => new DeviceTime() },
    { provide: ENCODER_DEVICE, useFactory: buildEncoder, inject: [PIPELINE_CONFIG, DEVICE_TIME] },
    { provide: LANE_QUEUE, useFactory: buildQueue, inject: [PIPELINE_CONFIG] },
    {
      // The in-process CA of the embedded mode, else the CA's HTTP API at PKI_URL; neither: no start.
      provide: LANE_CERTIFICATE_AUTHORITY,
      useFactory: (config: PipelineConfig, ca?: CertificateAuthority) =>
        resolveCertificateAuthority('encode-lane', ca, config.serviceUrls.pki),
      inject: [PIPELINE_CONFIG, { token: CERTIFICATE_AUTHORITY, optional: true }],
    },
    {
      provide: CARD_PRINTER,
      useFactory: (config: PipelineConfig, blobs: BlobStore, time: DeviceTime) =>
        new BuiltInPrinter({
          blobs,
          placement: { sex: config.cardFaceSexPlacement, myNumber: config.cardFaceMyNumberPlacement },
          deviceDelay: (ms) => time.delay(ms),
          printSeconds: config.printSeconds,
        }),
      inject: [PIPELINE_CONFIG, BLOB_STORE, DEVICE_TIME],
    },
    EncodeLaneResources,
    LaneDispatcher,
    LaneService,
    EncodeLaneConsumer,
  ],
  exports: [EncodeLaneConsumer, LaneDispatcher, LaneService, DEVICE_TIME, LANE_QUEUE],
})
export class EncodeLaneModule {}

export const encodeLaneStage = defineStage({
  name: 'encode-lane',
  store: {
    schema: 'encode_lane',
    entities: [CardAttemptEntity, LaneJobEntity],
    migrations: [EncodeLaneInit1764288000000, EncodeLaneQueues1764892800000],
  },
  module: EncodeLaneModule,
  consumer: EncodeLaneConsumer,
  // The dispatcher first: on start it re-queues what a crash left between commit and enqueue.
  workers: [LaneDispatcher, LaneService],
});
