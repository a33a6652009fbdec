import type { PersonalisationBundle } from '@mnc/contracts';
import { tlv } from './tlv';

/**
 * The files the walking skeleton writes to a card, in the public layout of today's card-face entry-assist
 * (text) AP: EF 0001 holds the my number, EF 0002 the four facts. Access conditions, PINs, keys,
 * signatures and the other APs come with the lanes issue; until then the files are readable without a PIN,
 * which is why only test cards are ever written.
 */
export interface CardFile {
  readonly application: 'text';
  readonly fid: number;
  readonly content: Buffer;
}

export function myNumberFile(myNumber: string): Buffer {
  // The length byte below is fixed: anything but 12 digits would make a file readers misparse.
  if (!/^\d{12}$/.test(myNumber)) throw new RangeError('a my number is 12 digits');
  // FF 10 0C + 12 ASCII digits + FF FF, as readers of today's card expect.
  return Buffer.concat([
    Buffer.from([0xff, 0x10, 0x0c]),
    Buffer.from(myNumber, 'ascii'),
    Buffer.from([0xff, 0xff]),
  ]);
}

export function fourFactsFile(applicant: PersonalisationBundle['applicant']): Buffer {
  const name = `${applicant.familyName}\u3000${applicant.givenName}`;
  const address = `${applicant.address.prefecture}${applicant.address.municipality}${applicant.address.line}`;
  const body = Buffer.concat([
    tlv(0xdf22, Buffer.from(name, 'utf8')),
    tlv(0xdf23, Buffer.from(address, 'utf8')),
    tlv(0xdf24, Buffer.from(applicant.birthDate.replace(/-/g, ''), 'ascii')),
    tlv(0xdf25, Buffer.from(applicant.sex, 'ascii')),
  ]);
  return tlv(0xff20, body);
}

export function personalisationFiles(bundle: PersonalisationBundle): CardFile[] {
  return [
    { application: 'text', fid: 0x0001, content: myNumberFile(bundle.applicant.myNumber) },
    { application: 'text', fid: 0x0002, content: fourFactsFile(bundle.applicant) },
  ];
}
