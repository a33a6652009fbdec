import { execFile } from 'node:child_process';
import { syntheticApplicant } from '@mnc/synthetic';
import {
  japaneseDate,
  LetterFont,
  renderDeliveryNotice,
  renderPinLetter,
  renderPukLetter,
  subsetSubroutines,
} from './letters';

const FONT = new LetterFont('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
const applicant = syntheticApplicant(7);
const recipient = {
  name: `${applicant.familyName}\u3000${applicant.givenName}`,
  postalCode: applicant.address.postalCode,
  addressLines: [applicant.address.prefecture + applicant.address.municipality, applicant.address.line],
};
const applicationId = '01936f2e-7c1a-7b3d-9e4f-5a6b7c8d9e0f';

// pdf.js (inside pdf-parse) loads its worker by dynamic import, which Jest's module sandbox refuses: the text
// is extracted by a plain Node process instead.
const EXTRACT = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c)).on('end', async () => {
  const parser = new PDFParse({ data: Buffer.concat(chunks) });
  process.stdout.write((await parser.getText()).text);
  await parser.destroy();
});`;

function textOf(pdf: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', EXTRACT], { cwd: process.cwd() }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin!.end(Buffer.from(pdf));
  });
}

/** Text extraction may break lines differently from the drawing; compare without whitespace. */
const squeeze = (text: string) => text.replace(/\s+/g, '');

jest.setTimeout(30_000);

describe('letters', () => {
  it('renders the delivery notice as a PDF whose text holds the expected fields and no my number', async () => {
    const pdf = await renderDeliveryNotice(FONT, {
      recipient,
      applicationId,
      cardNumberTail: '5C6D',
      municipalityCode: applicant.localGovernmentCode,
      issuedOn: '2026-04-03',
      collectBy: '2026-07-01',
    });
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    const text = squeeze(await textOf(pdf));
    for (const expected of [
      '個人番号カード交付通知書',
      `〒${applicant.address.postalCode.slice(0, 3)}-${applicant.address.postalCode.slice(3)}`,
      squeeze(recipient.addressLines[0]),
      squeeze(recipient.addressLines[1]),
      squeeze(`${recipient.name} 様`),
      `申請番号:${applicationId}`,
      '末尾4桁):5C6D',
      `市区町村コード${applicant.localGovernmentCode}`,
      '受取期限:2026年7月1日',
      '発行日:2026年4月3日',
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain(applicant.myNumber);
    expect(text).not.toMatch(/[0-9]{12}/);
  });

  it('renders the PUK letter with the PUK, says it travels apart from the card, and holds no my number', async () => {
    const pdf = await renderPukLetter(FONT, {
      recipient,
      applicationId,
      cardNumberTail: '5C6D',
      puk: '48213097',
      issuedOn: '2026-04-03',
    });
    const text = squeeze(await textOf(pdf));
    expect(text).toContain('PUK:48213097');
    expect(text).toContain('カードとは別に郵送');
    expect(text).toContain(squeeze(`${recipient.name} 様`));
    expect(text).not.toContain(applicant.myNumber);
    expect(text).not.toMatch(/[0-9]{12}/);
  });

  it('renders the legacy PIN letter with both initial PINs, says it travels apart from the card, and holds no my number', async () => {
    const pdf = await renderPinLetter(FONT, {
      recipient,
      applicationId,
      cardNumberTail: '9A0B',
      userAuthenticationPin: '0473',
      signaturePassword: 'K7QX2M9P',
      issuedOn: '2026-04-03',
    });
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    const text = squeeze(await textOf(pdf));
    for (const expected of [
      '暗証番号通知書',
      '利用者証明用電子証明書の暗証番号(数字4桁):0473',
      '署名用電子証明書の暗証番号(英数字):K7QX2M9P',
      'カードとは別に郵送',
      squeeze(`${recipient.name} 様`),
      squeeze(recipient.addressLines[1]),
      `申請番号:${applicationId}`,
      '末尾4桁):9A0B',
      '発行日:2026年4月3日',
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain(applicant.myNumber);
    expect(text).not.toMatch(/[0-9]{12}/);
  });

  it('embeds a subset of the font, not the whole collection', async () => {
    const pdf = await renderPukLetter(FONT, {
      recipient,
      applicationId,
      cardNumberTail: '0000',
      puk: '00000000',
      issuedOn: '2026-04-03',
    });
    expect(pdf.byteLength).toBeLessThan(500_000);
  });

  it('keeps used subroutines byte for byte and fills every unused slot with one shared return', () => {
    class FontkitBuffer extends Uint8Array {}
    const bytes = FontkitBuffer.from([0xaa, 0xbb, 0xcc, 0xdd, 0xee]);
    const stream = {
      pos: 0,
      readBuffer(length: number) {
        const out = FontkitBuffer.from(bytes.subarray(this.pos, this.pos + length));
        this.pos += length;
        return out;
      },
    };
    const subrs = [
      { offset: 0, length: 2 },
      { offset: 2, length: 1 },
      { offset: 3, length: 2 },
      { offset: 0, length: 1 },
    ];
    const out = subsetSubroutines(stream, subrs, { 0: true, 2: true });
    expect(out.map((b) => [...b])).toEqual([[0xaa, 0xbb], [0x0b], [0xdd, 0xee], [0x0b]]);
    expect(out[1]).toBe(out[3]);
    expect(out.every((b) => b instanceof FontkitBuffer)).toBe(true);
  });

  it('writes dates the Japanese way', () => {
    expect(japaneseDate('2027-01-04')).toBe('2027年1月4日');
  });
});
