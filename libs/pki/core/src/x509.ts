import { createHash, randomBytes } from 'node:crypto';
import {
  AsnConvert,
  AsnIntegerArrayBufferConverter,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  OctetString,
  type IAsnConverter,
} from '@peculiar/asn1-schema';
import {
  AccessDescription,
  AlgorithmIdentifier,
  Attribute,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificatePolicies,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  ExtendedKeyUsage,
  Extension,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  PolicyInformation,
  RelativeDistinguishedName,
  SubjectDirectoryAttributes,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { ALGORITHMS, type SignatureAlgorithm } from './algorithms';
import { OID } from './oids';
import type { KeyUsageName, SignatureSubject } from './profiles';
import type { Signer } from './signer';

/**
 * Embeds DER that this library encoded earlier, verbatim. asn1-schema's plain `Any` parses the bytes and
 * encodes them again; this converter hands the serializer a node that writes the stored bytes as they are.
 * Used for the parts of a certificate that repeat (issuer name, issuer extensions) and for a TBS inside
 * its signed wrapper, which must stay byte-for-byte what was signed.
 */
const PreEncodedDer: IAsnConverter<ArrayBuffer> = {
  fromASN: (value: { valueBeforeDecodeView: Uint8Array }) => toArrayBuffer(value.valueBeforeDecodeView),
  toASN: (der: ArrayBuffer) =>
    ({
      toBER: (_sizeOnly?: boolean, writer?: { write(buffer: ArrayBuffer): void }) => {
        if (!writer) return der;
        writer.write(der);
        return new ArrayBuffer(0);
      },
    }) as unknown as ReturnType<IAsnConverter<ArrayBuffer>['toASN']>,
};

/** SEQUENCE { tbs, signatureAlgorithm, signature BIT STRING }: the shape of a certificate and a CRL. */
@AsnType({ type: AsnTypeTypes.Sequence })
class SignedStructure {
  // The TBS goes in as the exact bytes that were signed, never re-encoded.
  @AsnProp({ type: AsnPropTypes.Any, converter: PreEncodedDer })
  tbs: ArrayBuffer = new ArrayBuffer(0);
  @AsnProp({ type: AlgorithmIdentifier })
  signatureAlgorithm = new AlgorithmIdentifier();
  @AsnProp({ type: AsnPropTypes.BitString })
  signature: ArrayBuffer = new ArrayBuffer(0);
}

/** The AlgorithmIdentifier of a signature: ECDSA omits parameters, RSA PKCS#1 v1.5 carries NULL. */
export function signatureAlgorithmIdentifier(algorithm: SignatureAlgorithm): AlgorithmIdentifier {
  const info = ALGORITHMS[algorithm];
  return new AlgorithmIdentifier({
    algorithm: info.signatureOid,
    ...(info.keyType === 'rsa' ? { parameters: null } : {}),
  });
}

/** Signs DER `tbs` and wraps it with the algorithm and signature (certificate, CRL). */
export async function signStructure(tbs: Uint8Array, signer: Signer): Promise<Uint8Array> {
  const signature = await signer.sign(tbs);
  return new Uint8Array(
    AsnConvert.serialize(
      Object.assign(new SignedStructure(), {
        tbs: toArrayBuffer(tbs),
        signatureAlgorithm: signatureAlgorithmIdentifier(signer.algorithm),
        signature: toArrayBuffer(signature),
      }),
    ),
  );
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

type NameEncoding = 'printable' | 'utf8';
/** A distinguished name, one attribute per RDN, in the order given. */
export function distinguishedName(attributes: readonly (readonly [string, string, NameEncoding?])[]): Name {
  return new Name(
    attributes.map(
      ([type, value, encoding]) =>
        new RelativeDistinguishedName([
          new AttributeTypeAndValue({
            type,
            value: new AttributeValue(
              (encoding ?? 'utf8') === 'printable' ? { printableString: value } : { utf8String: value },
            ),
          }),
        ]),
    ),
  );
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifierOf(spkiDer: Uint8Array): Uint8Array {
  const spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  return new Uint8Array(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest());
}

/** A random positive 128-bit serial number (RFC 5280: at most 20 octets, unpredictable per CA/B practice). */
export function randomSerialNumber(): Uint8Array {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return new Uint8Array(serial);
}

export function extension(oid: string, critical: boolean, value: unknown): Extension {
  return new Extension({
    extnID: oid,
    critical,
    extnValue: new OctetString(AsnConvert.serialize(value)),
  });
}

export function keyUsageExtension(usages: readonly KeyUsageName[]): Extension {
  const flags: Record<KeyUsageName, number> = {
    digitalSignature: KeyUsageFlags.digitalSignature,
    nonRepudiation: KeyUsageFlags.nonRepudiation,
    keyCertSign: KeyUsageFlags.keyCertSign,
    cRLSign: KeyUsageFlags.cRLSign,
  };
  return extension('2.5.29.15', true, new KeyUsage(usages.reduce((sum, u) => sum | flags[u], 0)));
}

export function basicConstraintsExtension(ca: boolean, pathLength?: number): Extension {
  return extension(
    '2.5.29.19',
    true,
    new BasicConstraints({ cA: ca, ...(pathLength !== undefined ? { pathLenConstraint: pathLength } : {}) }),
  );
}

export function extendedKeyUsageExtension(purposes: readonly string[]): Extension {
  return extension('2.5.29.37', false, new ExtendedKeyUsage([...purposes]));
}

export function subjectKeyIdentifierExtension(keyId: Uint8Array): Extension {
  return extension('2.5.29.14', false, new SubjectKeyIdentifier(toArrayBuffer(keyId)));
}

export function authorityKeyIdentifierExtension(keyId: Uint8Array): Extension {
  return extension(
    '2.5.29.35',
    false,
    new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(toArrayBuffer(keyId)) }),
  );
}

export function certificatePoliciesExtension(policies: readonly string[]): Extension {
  return extension(
    '2.5.29.32',
    false,
    new CertificatePolicies(policies.map((policyIdentifier) => new PolicyInformation({ policyIdentifier }))),
  );
}

export function crlDistributionPointsExtension(url: string): Extension {
  return extension(
    '2.5.29.31',
    false,
    new CRLDistributionPoints([
      new DistributionPoint({
        distributionPoint: new DistributionPointName({
          fullName: [new GeneralName({ uniformResourceIdentifier: url })],
        }),
      }),
    ]),
  );
}

export function authorityInfoAccessExtension(access: { ocsp?: string; caIssuers?: string }): Extension {
  const descriptions: AccessDescription[] = [];
  if (access.ocsp)
    descriptions.push(
      new AccessDescription({
        accessMethod: OID.adOcsp,
        accessLocation: new GeneralName({ uniformResourceIdentifier: access.ocsp }),
      }),
    );
  if (access.caIssuers)
    descriptions.push(
      new AccessDescription({
        accessMethod: OID.adCaIssuers,
        accessLocation: new GeneralName({ uniformResourceIdentifier: access.caIssuers }),
      }),
    );
  return extension('1.3.6.1.5.5.7.1.1', false, new AuthorityInfoAccessSyntax(descriptions));
}

@AsnType({ type: AsnTypeTypes.Choice })
class GeneralizedTimeValue {
  @AsnProp({ type: AsnPropTypes.GeneralizedTime })
  value = new Date(0);
}
@AsnType({ type: AsnTypeTypes.Choice })
class PrintableStringValue {
  @AsnProp({ type: AsnPropTypes.PrintableString })
  value = '';
}

/**
 * The signature certificate's birth date and sex: RFC 3739 dateOfBirth (GeneralizedTime at 00:00:00Z, as
 * RFC 3739 §3.2.2 asks) and the project's sex-code attribute (PrintableString, JIS X 0303 code).
 */
export function subjectDirectoryAttributesExtension(subject: SignatureSubject): Extension {
  const dateOfBirth = Object.assign(new GeneralizedTimeValue(), {
    value: new Date(`${subject.birthDate}T00:00:00Z`),
  });
  const sex = Object.assign(new PrintableStringValue(), { value: subject.sex });
  return extension(
    '2.5.29.9',
    false,
    new SubjectDirectoryAttributes([
      new Attribute({ type: OID.attributeDateOfBirth, values: [AsnConvert.serialize(dateOfBirth)] }),
      new Attribute({ type: OID.attributeSexCode, values: [AsnConvert.serialize(sex)] }),
    ]),
  );
}

/**
 * TBSCertificate (RFC 5280 §4.1) with the parts that repeat from one certificate to the next (algorithm,
 * issuer name, the issuer's extensions) taken as DER the library encoded once: the schema library spends
 * most of a certificate's time encoding, and a CA signs thousands of certificates with the same issuer.
 */
@AsnType({ type: AsnTypeTypes.Sequence })
class EncodedTbsCertificate {
  @AsnProp({ type: AsnPropTypes.Integer, context: 0 })
  version = Version.v3;
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })
  serialNumber: ArrayBuffer = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.Any, converter: PreEncodedDer })
  signature: ArrayBuffer = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.Any, converter: PreEncodedDer })
  issuer: ArrayBuffer = new ArrayBuffer(0);
  @AsnProp({ type: Validity })
  validity = new Validity();
  @AsnProp({ type: AsnPropTypes.Any, converter: PreEncodedDer })
  subject: ArrayBuffer = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.Any, converter: PreEncodedDer })
  subjectPublicKeyInfo: ArrayBuffer = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.Any, converter: PreEncodedDer, repeated: 'sequence', context: 3 })
  extensions: ArrayBuffer[] = [];
}

/** DER of an ASN.1 value, encoded by the schema library. */
export function encode(value: unknown): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(value));
}

export interface CertificateTemplate {
  readonly serialNumber: Uint8Array;
  /** The issuer's name, or its DER. */
  readonly issuer: Name | Uint8Array;
  readonly subject: Name;
  /** SubjectPublicKeyInfo, DER. */
  readonly publicKey: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Extensions, or their DER (for the ones shared by every certificate of an issuer). */
  readonly extensions: readonly (Extension | Uint8Array)[];
}

const derOf = (value: Name | Extension | Uint8Array) =>
  toArrayBuffer(value instanceof Uint8Array ? value : encode(value));

/** Encodes the TBSCertificate, has the issuer's signer sign it, returns the certificate DER. */
export async function signCertificate(template: CertificateTemplate, issuer: Signer): Promise<Uint8Array> {
  const tbs = Object.assign(new EncodedTbsCertificate(), {
    serialNumber: toArrayBuffer(template.serialNumber),
    signature: toArrayBuffer(signatureAlgorithmDer(issuer.algorithm)),
    issuer: derOf(template.issuer),
    validity: new Validity({ notBefore: template.notBefore, notAfter: template.notAfter }),
    subject: derOf(template.subject),
    subjectPublicKeyInfo: toArrayBuffer(template.publicKey),
    extensions: template.extensions.map(derOf),
  });
  return signStructure(encode(tbs), issuer);
}

const algorithmDer = new Map<SignatureAlgorithm, Uint8Array>();
function signatureAlgorithmDer(algorithm: SignatureAlgorithm): Uint8Array {
  let der = algorithmDer.get(algorithm);
  if (!der) algorithmDer.set(algorithm, (der = encode(signatureAlgorithmIdentifier(algorithm))));
  return der;
}

/** Lower-case hex of a serial number, without leading zero bytes (how the service keys certificates). */
export function serialHex(serial: Uint8Array): string {
  let start = 0;
  while (start < serial.length - 1 && serial[start] === 0) start++;
  return Buffer.from(serial.subarray(start)).toString('hex');
}
