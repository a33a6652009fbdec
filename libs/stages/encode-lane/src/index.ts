import { Module } from '@nestjs/common';
import type { PipelineConfig } from '@mnc/config';
import { InProcessStation, PcscStation } from '@mnc/pcsc';
import { defineStage, PIPELINE_CONFIG } from '@mnc/stage-runtime';
import { CardAttemptEntity } from './attempt.entity';
import { EncodeLaneConsumer } from './encode-lane.consumer';
import { InProcessCardHopper, VirtualCardProcessFeeder } from './feeders';
import { CARD_FEEDER, ENCODER_STATION, LaneService } from './lane.service';
import { EncodeLaneInit1764288000000 } from './migrations';

export * from './personalisation-script';
export * from './card-encoder';
export { CardAttemptEntity } from './attempt.entity';
export { InProcessCardHopper, VirtualCardProcessFeeder } from './feeders';

interface Encoder {
  readonly station: InProcessStation | PcscStation;
  readonly feeder: InProcessCardHopper | VirtualCardProcessFeeder;
}

const ENCODER = Symbol('ENCODER');

function buildEncoder(config: PipelineConfig): Encoder {
  if (config.encoderStation === 'in-process') {
    const station = new InProcessStation();
    return { station, feeder: new InProcessCardHopper(station) };
  }
  if (!config.virtualCardControlUrl) {
    // A real encoder line would plug its printer's card path in here; only the virtual one exists so far.
    throw new Error(
      'ENCODER_STATION=pcsc needs VIRTUAL_CARD_CONTROL_URL: the only card feeder built is the virtual one',
    );
  }
  return {
    station: new PcscStation({ readerName: config.pcscReader }),
    feeder: new VirtualCardProcessFeeder(config.virtualCardControlUrl),
  };
}

@Module({
  providers: [
    { provide: ENCODER, useFactory: buildEncoder, inject: [PIPELINE_CONFIG] },
    { provide: ENCODER_STATION, useFactory: (e: Encoder) => e.station, inject: [ENCODER] },
    { provide: CARD_FEEDER, useFactory: (e: Encoder) => e.feeder, inject: [ENCODER] },
    LaneService,
    EncodeLaneConsumer,
  ],
  exports: [EncodeLaneConsumer],
})
export class EncodeLaneModule {}

export const encodeLaneStage = defineStage({
  name: 'encode-lane',
  store: { schema: 'encode_lane', entities: [CardAttemptEntity], migrations: [EncodeLaneInit1764288000000] },
  module: EncodeLaneModule,
  consumer: EncodeLaneConsumer,
});
