import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A CA key and its certificate: software keys sealed with the master key, PKCS#11 keys by token label. */
@Entity({ schema: 'pki', name: 'ca_keys' })
export class CaKeyEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('text')
  algorithm!: string;

  /** root, one of the four issuing purposes, or ap-data-signer. */
  @Column('text')
  role!: string;

  @Column('text')
  backend!: 'software' | 'pkcs11';

  @Column('bytea', { name: 'sealed_private_key', nullable: true })
  sealedPrivateKey!: Buffer | null;

  @Column('text', { name: 'pkcs11_label', nullable: true })
  pkcs11Label!: string | null;

  /** DER; public. */
  @Column('bytea')
  certificate!: Buffer;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}

/** A card the CA has issued to, learnt from its first issuance request. */
@Entity({ schema: 'pki', name: 'cards' })
export class CardEntity {
  @PrimaryColumn('text', { name: 'card_number' })
  cardNumber!: string;

  @Column('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('text', { name: 'card_profile' })
  cardProfile!: string;

  @Column('timestamptz', { name: 'first_issued_at' })
  firstIssuedAt!: Date;
}

@Entity({ schema: 'pki', name: 'certificates' })
export class CertificateEntity {
  /** Lower-case hex. */
  @PrimaryColumn('text', { name: 'serial_number' })
  serialNumber!: string;

  @Column('text', { name: 'ca_id' })
  caId!: string;

  @Column('text', { name: 'card_number' })
  cardNumber!: string;

  @Column('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('text', { name: 'attempt_id' })
  attemptId!: string;

  @Column('text')
  purpose!: string;

  @Column('text')
  algorithm!: string;

  @Column('text')
  state!: 'good' | 'held' | 'revoked';

  @Column('timestamptz', { name: 'not_before' })
  notBefore!: Date;

  @Column('timestamptz', { name: 'not_after' })
  notAfter!: Date;

  /** Hex SHA-256 of the certified SubjectPublicKeyInfo: tells an idempotent retry from a new key. */
  @Column('text', { name: 'public_key_sha256' })
  publicKeySha256!: string;

  /** The certificate DER, sealed: the signature certificate carries the four facts. */
  @Column('bytea', { name: 'sealed_certificate' })
  sealedCertificate!: Buffer;

  @Column('timestamptz', { name: 'issued_at' })
  issuedAt!: Date;

  /** When the current hold or revocation took effect. */
  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('text', { name: 'sub_reason', nullable: true })
  subReason!: string | null;

  /** Last change of state: the CRL publisher regenerates a CA's CRL when this is newer than the CRL. */
  @Column('timestamptz', { name: 'state_changed_at' })
  stateChangedAt!: Date;
}

@Entity({ schema: 'pki', name: 'crls' })
export class CrlEntity {
  @PrimaryColumn('text', { name: 'ca_id' })
  caId!: string;

  @PrimaryColumn('bigint', { name: 'crl_number' })
  crlNumber!: string;

  @Column('timestamptz', { name: 'this_update' })
  thisUpdate!: Date;

  @Column('timestamptz', { name: 'next_update' })
  nextUpdate!: Date;

  @Column('bytea')
  der!: Buffer;
}

/** A relying party allowed to query the OCSP responder; only the token's hash is kept. */
@Entity({ schema: 'pki', name: 'verifiers' })
export class VerifierEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('text', { name: 'token_sha256', unique: true })
  tokenSha256!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}

export const PKI_ENTITIES = [CaKeyEntity, CardEntity, CertificateEntity, CrlEntity, VerifierEntity];
