import { parsePersonalisationBundle, type ApplicantRecord, type BlobRef } from '@mnc/contracts';
import { buildBundle } from './personalisation';

const applicant = (birthDate: string): ApplicantRecord => ({
  familyName: '佐藤',
  givenName: '健',
  familyNameKana: 'サトウ',
  givenNameKana: 'ケン',
  birthDate,
  sex: '1',
  address: { prefecture: '北海道', municipality: '札幌市中央区', line: '北1条西2-1', postalCode: '0600001' },
  localGovernmentCode: '011002',
  myNumber: '123456789012',
});
const PHOTO: BlobRef = { hash: `sha256:${'0f'.repeat(32)}`, size: 51_200, mediaType: 'image/jpeg' };

describe('buildBundle', () => {
  describe('given an adult applicant', () => {
    it('when issued before the birthday in the year, then the card expires on the 10th birthday after issue', () => {
      expect(
        buildBundle(applicant('1980-10-10'), PHOTO, 'next-gen', 'AB12CD34EF56', '2026-05-15').expiresOn,
      ).toBe('2035-10-10');
    });

    it('when issued on the birthday, then that birthday does not count', () => {
      expect(
        buildBundle(applicant('1980-05-15'), PHOTO, 'next-gen', 'AB12CD34EF56', '2026-05-15').expiresOn,
      ).toBe('2036-05-15');
    });
  });

  it('given an applicant under 18, then the card expires on the 5th birthday after issue', () => {
    expect(
      buildBundle(applicant('2010-07-01'), PHOTO, 'next-gen', 'AB12CD34EF56', '2026-04-01').expiresOn,
    ).toBe('2030-07-01');
  });

  it('carries the applicant, photo, profile, card number and issue date into a version-1 bundle', () => {
    const record = applicant('1990-01-01');
    expect(buildBundle(record, PHOTO, 'legacy-rsa2048', 'AB12CD34EF56', '2026-04-01')).toEqual({
      version: 1,
      cardProfile: 'legacy-rsa2048',
      cardNumber: 'AB12CD34EF56',
      issuedOn: '2026-04-01',
      expiresOn: '2036-01-01',
      applicant: record,
      photo: PHOTO,
    });
  });

  it('builds a bundle that satisfies the personalisation bundle schema', () => {
    const bundle = buildBundle(applicant('1990-01-01'), PHOTO, 'next-gen', 'AB12CD34EF56', '2026-04-01');
    expect(parsePersonalisationBundle(Buffer.from(JSON.stringify(bundle)))).toEqual(bundle);
  });

  it('given an issue date before the birth date, then RangeError', () => {
    expect(() =>
      buildBundle(applicant('2026-05-01'), PHOTO, 'next-gen', 'AB12CD34EF56', '2026-04-01'),
    ).toThrow(RangeError);
  });
});
