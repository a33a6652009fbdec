import { Inject, Injectable } from '@nestjs/common';
import type { EventHandlers } from '@mnc/messaging';
import {
  BlobMediaTypes,
  parseApplicantRecord,
  sealPersonalisationBundle,
  type BlobRef,
  type BundleCipher,
} from '@mnc/contracts';
import type { ApDataSigner } from '@mnc/domain-issuance';
import type { BlobStore } from '@mnc/secure-store';
import type { DataSource } from 'typeorm';
import { BLOB_STORE, DATA_SOURCE, PERSONALISATION_CIPHER, type StageConsumer } from '@mnc/stage-runtime';
import { CardEntity } from './card.entity';
import { type CardDraft, CardDrafts } from './card-drafts.service';
import { generateBundle } from './personalisation';
import { AP_DATA_SIGNER } from './tokens';

type Prepared =
  | { readonly kind: 'already-issued' }
  | {
      readonly kind: 'generated';
      readonly draft: CardDraft;
      readonly expiresOn: string;
      readonly bundle: BlobRef;
    };

@Injectable()
export class IssuanceDataConsumer implements StageConsumer {
  constructor(
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PERSONALISATION_CIPHER) private readonly personalisation: BundleCipher,
    @Inject(AP_DATA_SIGNER) private readonly signer: ApDataSigner,
    private readonly drafts: CardDrafts,
  ) {}

  handlers(): EventHandlers {
    return {
      'photo.accepted': {
        // Images, signatures and encryption run outside the transaction that holds the inbox row. The draft
        // pins number, date and secrets first, so a retry after a crash rebuilds the same card.
        prepare: async (event): Promise<Prepared> => {
          const { applicationId, cardProfile } = event.data;
          const issued = await this.dataSource.getRepository(CardEntity).existsBy({ applicationId });
          if (issued) return { kind: 'already-issued' };
          const draft = await this.drafts.pin(applicationId, cardProfile);
          const [applicantBytes, photoBytes] = await Promise.all([
            this.blobs.get(event.data.applicantRecord),
            this.blobs.get(event.data.photo),
          ]);
          const bundle = await generateBundle(
            { applicant: parseApplicantRecord(applicantBytes), photo: event.data.photo, photoBytes, draft },
            this.signer,
          );
          const sealed = sealPersonalisationBundle(bundle, this.personalisation);
          const ref = await this.blobs.put(sealed, { mediaType: BlobMediaTypes.personalisationBundle });
          return { kind: 'generated', draft, expiresOn: bundle.expiresOn, bundle: ref };
        },
        apply: async (event, { manager, emit }, prepared: Prepared) => {
          if (prepared.kind === 'already-issued') return;
          const existing = await manager.findOneBy(CardEntity, { applicationId: event.data.applicationId });
          if (existing) return; // one card record per application, whatever arrives twice
          const { draft } = prepared;
          await manager.insert(CardEntity, {
            id: draft.cardId,
            applicationId: draft.applicationId,
            cardNumber: draft.cardNumber,
            cardProfile: draft.cardProfile,
            issuedOn: draft.issuedOn,
            expiresOn: prepared.expiresOn,
            bundle: prepared.bundle,
          });
          // References and non-personal attributes only: no secret, no personal data, no bundle content.
          emit('issuance-data.generated', {
            applicationId: draft.applicationId,
            route: event.data.route,
            cardProfile: draft.cardProfile,
            municipalityCode: event.data.municipalityCode,
            applicantRecord: event.data.applicantRecord,
            cardId: draft.cardId,
            cardNumber: draft.cardNumber,
            issuedOn: draft.issuedOn,
            expiresOn: prepared.expiresOn,
            bundle: prepared.bundle,
          });
        },
      },
    };
  }
}
