import { createHash } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import { AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { ECDSASigValue } from '@peculiar/asn1-ecc';
import { RSAPublicKey } from '@peculiar/asn1-rsa';
import { ALGORITHMS, OID, type SignatureAlgorithm, type Signer } from '@mnc/pki-core';

export class Pkcs11Error extends Error {
  override readonly name = 'Pkcs11Error';
}

export interface Pkcs11TokenOptions {
  /** Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  readonly module: string;
  readonly tokenLabel: string;
  readonly pin: string;
}

/**
 * A logged-in session on one PKCS#11 token. CA keys are generated inside the token as sensitive,
 * non-extractable objects and found again by label; only signatures and public keys ever leave it.
 */
export class Pkcs11Token {
  /** Open tokens per module: the module is finalised when the last one closes, so a later open re-reads its configuration. */
  private static readonly openCount = new Map<string, number>();

  private constructor(
    private readonly lib: pkcs11js.PKCS11,
    private readonly session: Buffer,
    private readonly module: string,
  ) {}

  static open(options: Pkcs11TokenOptions): Pkcs11Token {
    const lib = new pkcs11js.PKCS11();
    lib.load(options.module);
    try {
      lib.C_Initialize();
    } catch (error) {
      // Another token object in this process already initialised the module.
      if (!String((error as Error).message).includes('CKR_CRYPTOKI_ALREADY_INITIALIZED')) throw error;
    }
    const slot = lib
      .C_GetSlotList(true)
      .find((s) => lib.C_GetTokenInfo(s).label.trim() === options.tokenLabel);
    if (!slot) throw new Pkcs11Error(`no PKCS#11 token labelled ${options.tokenLabel}`);
    const session = lib.C_OpenSession(slot, pkcs11js.CKF_RW_SESSION | pkcs11js.CKF_SERIAL_SESSION);
    try {
      lib.C_Login(session, pkcs11js.CKU_USER, options.pin);
    } catch (error) {
      if (!String((error as Error).message).includes('CKR_USER_ALREADY_LOGGED_IN')) {
        lib.C_CloseSession(session);
        throw error;
      }
    }
    Pkcs11Token.openCount.set(options.module, (Pkcs11Token.openCount.get(options.module) ?? 0) + 1);
    return new Pkcs11Token(lib, session, options.module);
  }

  /** Generates a key pair inside the token under `label`; refuses a label that is taken. */
  generateKey(label: string, algorithm: SignatureAlgorithm): Signer {
    if (this.findKey(label, pkcs11js.CKO_PRIVATE_KEY))
      throw new Pkcs11Error(`the token already holds a key labelled ${label}`);
    const info = ALGORITHMS[algorithm];
    const id = createHash('sha256').update(label).digest().subarray(0, 16);
    const common = [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_ID, value: id },
    ];
    const privateTemplate = [
      ...common,
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
      { type: pkcs11js.CKA_SIGN, value: true },
    ];
    if (info.keyType === 'ec') {
      const curve = Buffer.from(AsnConvert.serialize(new ObjectIdentifierOnly(info.curveOid!)));
      this.lib.C_GenerateKeyPair(
        this.session,
        { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
        [
          ...common,
          { type: pkcs11js.CKA_EC_PARAMS, value: curve },
          { type: pkcs11js.CKA_VERIFY, value: true },
        ],
        privateTemplate,
      );
    } else {
      this.lib.C_GenerateKeyPair(
        this.session,
        { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
        [
          ...common,
          { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
          { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
          { type: pkcs11js.CKA_VERIFY, value: true },
        ],
        privateTemplate,
      );
    }
    return this.signer(label, algorithm);
  }

  /** The signer of an existing key in the token. */
  signer(label: string, algorithm: SignatureAlgorithm): Signer {
    const privateKey = this.findKey(label, pkcs11js.CKO_PRIVATE_KEY);
    const publicKey = this.findKey(label, pkcs11js.CKO_PUBLIC_KEY);
    if (!privateKey || !publicKey) throw new Pkcs11Error(`no key pair labelled ${label} in the token`);
    return new Pkcs11Signer(
      this.lib,
      this.session,
      algorithm,
      privateKey,
      this.publicKeyInfo(publicKey, algorithm),
    );
  }

  hasKey(label: string): boolean {
    return this.findKey(label, pkcs11js.CKO_PRIVATE_KEY) !== undefined;
  }

  /** Whether the private key is marked sensitive and non-extractable (what the tests check). */
  keyIsSealed(label: string): boolean {
    const key = this.findKey(label, pkcs11js.CKO_PRIVATE_KEY);
    if (!key) return false;
    const [sensitive, extractable] = this.lib.C_GetAttributeValue(this.session, key, [
      { type: pkcs11js.CKA_SENSITIVE },
      { type: pkcs11js.CKA_EXTRACTABLE },
    ]);
    return sensitive!.value![0] === 1 && extractable!.value![0] === 0;
  }

  close(): void {
    try {
      this.lib.C_Logout(this.session);
    } catch {
      // Already logged out (another session of this process may have done it).
    }
    this.lib.C_CloseSession(this.session);
    const open = (Pkcs11Token.openCount.get(this.module) ?? 1) - 1;
    Pkcs11Token.openCount.set(this.module, open);
    if (open === 0) this.lib.C_Finalize();
  }

  private findKey(label: string, keyClass: number): Buffer | undefined {
    this.lib.C_FindObjectsInit(this.session, [
      { type: pkcs11js.CKA_CLASS, value: keyClass },
      { type: pkcs11js.CKA_LABEL, value: label },
    ]);
    try {
      return this.lib.C_FindObjects(this.session) ?? undefined;
    } finally {
      this.lib.C_FindObjectsFinal(this.session);
    }
  }

  private publicKeyInfo(key: Buffer, algorithm: SignatureAlgorithm): Uint8Array {
    const info = ALGORITHMS[algorithm];
    if (info.keyType === 'ec') {
      const [point] = this.lib.C_GetAttributeValue(this.session, key, [{ type: pkcs11js.CKA_EC_POINT }]);
      // CKA_EC_POINT is the DER OCTET STRING wrapping the uncompressed point.
      const raw = AsnConvert.parse(point!.value!, OctetString);
      return new Uint8Array(
        AsnConvert.serialize(
          new SubjectPublicKeyInfo({
            algorithm: new AlgorithmIdentifier({
              algorithm: OID.ecPublicKey,
              parameters: AsnConvert.serialize(new ObjectIdentifierOnly(info.curveOid!)),
            }),
            subjectPublicKey: raw.buffer,
          }),
        ),
      );
    }
    const [modulus, exponent] = this.lib.C_GetAttributeValue(this.session, key, [
      { type: pkcs11js.CKA_MODULUS },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT },
    ]);
    const unsigned = (bytes: Buffer) => (bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
    const rsa = new RSAPublicKey({
      modulus: new Uint8Array(unsigned(modulus!.value!)).buffer,
      publicExponent: new Uint8Array(exponent!.value!).buffer,
    });
    return new Uint8Array(
      AsnConvert.serialize(
        new SubjectPublicKeyInfo({
          algorithm: new AlgorithmIdentifier({ algorithm: OID.rsaEncryption, parameters: null }),
          subjectPublicKey: AsnConvert.serialize(rsa),
        }),
      ),
    );
  }
}

/** A bare OBJECT IDENTIFIER: the namedCurve of CKA_EC_PARAMS and of an EC SubjectPublicKeyInfo. */
@AsnType({ type: AsnTypeTypes.Choice })
class ObjectIdentifierOnly {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  value: string;
  constructor(value = '') {
    this.value = value;
  }
}

/**
 * Signs inside the token. ECDSA: the digest is computed here and the token signs it with CKM_ECDSA (raw
 * r‖s, re-encoded as DER for X.509); RSA: CKM_SHA256_RSA_PKCS, hashing inside the token.
 */
class Pkcs11Signer implements Signer {
  readonly backend = 'pkcs11';
  constructor(
    private readonly lib: pkcs11js.PKCS11,
    private readonly session: Buffer,
    readonly algorithm: SignatureAlgorithm,
    private readonly key: Buffer,
    readonly publicKey: Uint8Array,
  ) {}

  sign(data: Uint8Array): Promise<Uint8Array> {
    const info = ALGORITHMS[this.algorithm];
    if (info.keyType === 'rsa') {
      this.lib.C_SignInit(this.session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, this.key);
      return Promise.resolve(
        new Uint8Array(this.lib.C_Sign(this.session, Buffer.from(data), Buffer.alloc(256))),
      );
    }
    const digest = createHash(info.hash).update(data).digest();
    this.lib.C_SignInit(this.session, { mechanism: pkcs11js.CKM_ECDSA }, this.key);
    const raw = this.lib.C_Sign(this.session, digest, Buffer.alloc(2 * info.size));
    const integer = (bytes: Buffer) => {
      let start = 0;
      while (start < bytes.length - 1 && bytes[start] === 0 && !(bytes[start + 1]! & 0x80)) start++;
      const trimmed = bytes.subarray(start);
      return new Uint8Array(trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed).buffer;
    };
    return Promise.resolve(
      new Uint8Array(
        AsnConvert.serialize(
          new ECDSASigValue({ r: integer(raw.subarray(0, info.size)), s: integer(raw.subarray(info.size)) }),
        ),
      ),
    );
  }
}
