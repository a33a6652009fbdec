import { syntheticSubmission } from '@mnc/load-driver';
import sharp from 'sharp';
import { MAX_PHOTO_BYTES, parseSubmission, sniffImageType, type FieldError } from './submission';

const TODAY = '2026-04-01';
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let valid: Record<string, unknown>;
let png: Buffer;
beforeAll(async () => {
  valid = await syntheticSubmission(1);
  png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#eeeeee' } })
    .png()
    .toBuffer();
});

/** The valid synthetic submission with some top-level fields replaced (undefined removes one). */
function submission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { ...valid, ...overrides };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete body[key];
  return body;
}
const withPhoto = (data: Buffer | string, mediaType?: string) =>
  submission({
    photo: {
      ...(mediaType ? { mediaType } : {}),
      data: typeof data === 'string' ? data : data.toString('base64'),
    },
  });

function errorsOf(body: unknown): Pick<FieldError, 'field' | 'code'>[] {
  const result = parseSubmission(body, TODAY);
  if (result.ok) throw new Error('expected the submission to be rejected');
  return result.errors.map(({ field, code }) => ({ field, code }));
}

describe('parseSubmission', () => {
  describe('given a valid synthetic submission', () => {
    it('then it is accepted with its channel, route, profile, applicant and photo', () => {
      const result = parseSubmission(valid, TODAY);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value).toMatchObject({
        channel: valid['channel'],
        route: valid['route'],
        cardProfile: valid['cardProfile'],
      });
      expect(result.value.applicant).toMatchObject(valid['applicant'] as object);
      expect(result.value.photo.mediaType).toBe('image/jpeg');
      expect(
        result.value.photo.bytes.equals(Buffer.from((valid['photo'] as { data: string }).data, 'base64')),
      ).toBe(true);
    });

    it('when unknown applicant properties are added, then they are dropped', () => {
      const result = parseSubmission(
        submission({ applicant: { ...(valid['applicant'] as object), nickname: 'x' } }),
        TODAY,
      );
      expect(result.ok && result.value.applicant).not.toHaveProperty('nickname');
    });
  });

  it('given no cardProfile, then the profile is next-gen', () => {
    const result = parseSubmission(submission({ cardProfile: undefined }), TODAY);
    expect(result.ok && result.value.cardProfile).toBe('next-gen');
  });

  it.each([
    [
      'counter',
      { identityCheck: { officialId: 'staff-1', officialName: '窓口 太郎', document: 'passport' } },
    ],
    ['online', {}],
    ['paper', { keyedBy: { officialId: 'operator-7' } }],
    ['lost-card-reissue', { route: 'express' }],
  ])('given channel %s with what it needs, then it is accepted', (channel, extra) => {
    const result = parseSubmission(submission({ channel, ...extra }), TODAY);
    expect(result.ok).toBe(true);
    if (channel === 'counter') {
      expect(result.ok && result.value.attestation).toEqual({
        officialId: 'staff-1',
        officialName: '窓口 太郎',
        document: 'passport',
      });
    }
  });

  it('given a counter application without the identity check, then each missing part is named', () => {
    expect(errorsOf(submission({ channel: 'counter' }))).toEqual([
      { field: 'identityCheck', code: 'REQUIRED' },
    ]);
    expect(errorsOf(submission({ channel: 'counter', identityCheck: { officialId: 'bad id!' } }))).toEqual([
      { field: 'identityCheck.officialId', code: 'STAFF_ID' },
      { field: 'identityCheck.officialName', code: 'REQUIRED' },
      { field: 'identityCheck.document', code: 'REQUIRED' },
    ]);
  });

  it('given a paper form without its operator, then keyedBy is REQUIRED', () => {
    expect(errorsOf(submission({ channel: 'paper' }))).toEqual([{ field: 'keyedBy', code: 'REQUIRED' }]);
  });

  it('given a lost-card reissue on the normal route, then route must be express', () => {
    expect(errorsOf(submission({ channel: 'lost-card-reissue', route: 'normal' }))).toEqual([
      { field: 'route', code: 'EXPRESS_REQUIRED' },
    ]);
  });

  it('given half-width katakana and full-width digits, then they are normalised before the checks', () => {
    const applicant = valid['applicant'] as Record<string, unknown>;
    const result = parseSubmission(
      submission({
        applicant: {
          ...applicant,
          familyNameKana: 'ﾔﾏﾀﾞ',
          myNumber: (applicant['myNumber'] as string).replace(/[0-9]/g, (d) =>
            String.fromCharCode(0xff10 + Number(d)),
          ),
        },
      }),
      TODAY,
    );
    expect(result.ok && result.value.applicant.familyNameKana).toBe('ヤマダ');
    expect(result.ok && result.value.applicant.myNumber).toBe(applicant['myNumber']);
  });

  it.each([
    ['route', 'normal'],
    ['route', 'express'],
    ['cardProfile', 'legacy-rsa2048'],
    ['cardProfile', 'next-gen'],
  ])('given %s %s, then it is accepted', (field, value) => {
    const result = parseSubmission(submission({ [field]: value }), TODAY);
    expect(result.ok && (result.value as unknown as Record<string, unknown>)[field]).toBe(value);
  });

  it.each([
    ['channel', 'fax'],
    ['route', 'EXPRESS'],
    ['cardProfile', 'rsa4096'],
    ['channel', 3],
  ])('given %s %p, then it is rejected with ONE_OF on that field', (field, value) => {
    expect(errorsOf(submission({ [field]: value }))).toEqual([{ field, code: 'ONE_OF' }]);
  });

  it('given missing channel and route, then each is reported as REQUIRED', () => {
    expect(errorsOf(submission({ channel: undefined, route: undefined }))).toEqual([
      { field: 'channel', code: 'REQUIRED' },
      { field: 'route', code: 'REQUIRED' },
    ]);
  });

  it('given a body that is not an object, then that and every missing field are reported together', () => {
    expect(errorsOf([])).toEqual([
      { field: 'body', code: 'NOT_AN_OBJECT' },
      { field: 'channel', code: 'REQUIRED' },
      { field: 'route', code: 'REQUIRED' },
      { field: 'applicant', code: 'REQUIRED' },
      { field: 'photo', code: 'REQUIRED' },
    ]);
  });

  it('given problems in several places, then every one is reported at once with its field path and code', () => {
    const applicant = valid['applicant'] as Record<string, unknown>;
    const errors = errorsOf(
      submission({
        route: 'slow',
        applicant: {
          ...applicant,
          birthDate: '2099-01-01',
          myNumber: '123',
          address: { ...(applicant['address'] as object), postalCode: '12-34' },
        },
        photo: { data: Buffer.from('GIF89a').toString('base64') },
      }),
    );
    expect(errors).toEqual([
      { field: 'route', code: 'ONE_OF' },
      { field: 'applicant.birthDate', code: 'DATE_IN_FUTURE' },
      { field: 'applicant.address.postalCode', code: 'POSTAL_CODE_FORMAT' },
      { field: 'applicant.myNumber', code: 'MY_NUMBER_FORMAT' },
      { field: 'photo.data', code: 'PHOTO_TYPE' },
    ]);
  });

  it('gives each error a message that starts with its field', () => {
    const result = parseSubmission(submission({ route: 'slow' }), TODAY);
    expect(result.ok ? [] : result.errors).toEqual([
      { field: 'route', code: 'ONE_OF', message: 'route is not one of the allowed values' },
    ]);
  });

  it('given an applicant that is not an object, then applicant is reported as NOT_AN_OBJECT', () => {
    expect(errorsOf(submission({ applicant: 'Taro' }))).toEqual([
      { field: 'applicant', code: 'NOT_AN_OBJECT' },
    ]);
  });

  describe('photo', () => {
    it('given a PNG, then it is accepted as image/png', () => {
      const result = parseSubmission(withPhoto(png), TODAY);
      expect(result.ok && result.value.photo.mediaType).toBe('image/png');
    });

    it('given a JPEG declared as PNG, then photo.mediaType is reported as PHOTO_TYPE_MISMATCH', () => {
      const jpeg = Buffer.from((valid['photo'] as { data: string }).data, 'base64');
      expect(errorsOf(withPhoto(jpeg, 'image/png'))).toEqual([
        { field: 'photo.mediaType', code: 'PHOTO_TYPE_MISMATCH' },
      ]);
    });

    it('given a PNG declared as JPEG, then the mismatch is reported', () => {
      expect(errorsOf(withPhoto(png, 'image/jpeg'))).toEqual([
        { field: 'photo.mediaType', code: 'PHOTO_TYPE_MISMATCH' },
      ]);
    });

    it('given a GIF, then photo.data is reported as PHOTO_TYPE, whatever type is declared', () => {
      const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(20)]);
      expect(errorsOf(withPhoto(gif, 'image/jpeg'))).toEqual([{ field: 'photo.data', code: 'PHOTO_TYPE' }]);
    });

    it('given text, then photo.data is reported as PHOTO_TYPE', () => {
      expect(errorsOf(withPhoto(Buffer.from('this is not an image at all')))).toEqual([
        { field: 'photo.data', code: 'PHOTO_TYPE' },
      ]);
    });

    it('given empty data, then photo.data is reported as PHOTO_TYPE', () => {
      expect(errorsOf(withPhoto(''))).toEqual([{ field: 'photo.data', code: 'PHOTO_TYPE' }]);
    });

    it.each([
      ['characters outside the alphabet', '/9j/4AAQ!!!!'],
      ['whitespace', '/9j/ 4AAQ'],
      ['padding in the middle', '/9j=4AAQ'],
      ['too much padding', '/9j/4A==='],
    ])('given base64 with %s, then photo.data is reported as BASE64', (_, data) => {
      expect(errorsOf(withPhoto(data))).toEqual([{ field: 'photo.data', code: 'BASE64' }]);
    });

    it('given data that is not a string, then photo.data is reported as BASE64', () => {
      expect(errorsOf(submission({ photo: { data: 42 } }))).toEqual([
        { field: 'photo.data', code: 'BASE64' },
      ]);
    });

    it('given no data, then photo.data is REQUIRED', () => {
      expect(errorsOf(submission({ photo: { mediaType: 'image/jpeg' } }))).toEqual([
        { field: 'photo.data', code: 'REQUIRED' },
      ]);
    });

    it('given a photo that is not an object, then photo is reported as NOT_AN_OBJECT', () => {
      expect(errorsOf(submission({ photo: 'abc' }))).toEqual([{ field: 'photo', code: 'NOT_AN_OBJECT' }]);
    });

    it('given exactly MAX_PHOTO_BYTES, then it is accepted', () => {
      const bytes = Buffer.concat([JPEG_MAGIC, Buffer.alloc(MAX_PHOTO_BYTES - JPEG_MAGIC.length)]);
      const result = parseSubmission(withPhoto(bytes), TODAY);
      expect(result.ok && result.value.photo.bytes.length).toBe(MAX_PHOTO_BYTES);
    });

    it.each([1, 2, 3])(
      'given MAX_PHOTO_BYTES + %i bytes, then photo.data is reported as PHOTO_TOO_LARGE',
      (extra) => {
        const bytes = Buffer.concat([JPEG_MAGIC, Buffer.alloc(MAX_PHOTO_BYTES - JPEG_MAGIC.length + extra)]);
        expect(errorsOf(withPhoto(bytes))).toEqual([{ field: 'photo.data', code: 'PHOTO_TOO_LARGE' }]);
      },
    );

    it('given oversize unpadded base64, then it is still reported as PHOTO_TOO_LARGE', () => {
      const bytes = Buffer.concat([JPEG_MAGIC, Buffer.alloc(MAX_PHOTO_BYTES - JPEG_MAGIC.length + 1)]);
      expect(errorsOf(withPhoto(bytes.toString('base64').replace(/=+$/, '')))).toEqual([
        { field: 'photo.data', code: 'PHOTO_TOO_LARGE' },
      ]);
    });
  });
});

describe('sniffImageType', () => {
  it('given the JPEG SOI marker, then image/jpeg', () => {
    expect(sniffImageType(JPEG_MAGIC)).toBe('image/jpeg');
  });

  it('given the PNG signature, then image/png', () => {
    expect(sniffImageType(PNG_MAGIC)).toBe('image/png');
  });

  it.each([
    ['an empty buffer', Buffer.alloc(0)],
    ['a truncated JPEG marker', Buffer.from([0xff, 0xd8])],
    ['a truncated PNG signature', PNG_MAGIC.subarray(0, 7)],
    ['a PNG signature with one byte wrong', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00])],
    ['a GIF', Buffer.from('GIF89a')],
    ['a WebP', Buffer.from('RIFF\0\0\0\0WEBP')],
    ['text', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
  ])('given %s, then undefined', (_, bytes) => {
    expect(sniffImageType(bytes)).toBeUndefined();
  });
});
