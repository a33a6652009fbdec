import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { apiKeyHash, authenticate, canActFor } from './auth/api-client';
import { ApplicationsController } from './applications.controller';
import { loadGlyphCoverage } from './card-font';
import { API_ROUTES, openApiDocument } from './openapi';
import { checkPhoto, MAX_PHOTO_PIXELS } from './photo';
import { WebhooksController } from './webhooks/webhooks.controller';

describe('API keys', () => {
  const clients = [
    {
      id: 'chiyoda',
      municipalities: ['131016'],
      keySha256: [apiKeyHash('old-key-0123456789'), apiKeyHash('new-key-0123456789')],
    },
    { id: 'portal', municipalities: ['*'], keySha256: [apiKeyHash('portal-key-0123456789')] },
  ];

  it('accepts either key of a client during a rotation', () => {
    expect(authenticate('Bearer old-key-0123456789', clients)?.id).toBe('chiyoda');
    expect(authenticate('Bearer new-key-0123456789', clients)?.id).toBe('chiyoda');
  });

  it('refuses a missing, malformed or unknown key', () => {
    for (const header of [
      undefined,
      '',
      'old-key-0123456789',
      'Basic b2xkOmtleQ==',
      'Bearer short',
      'Bearer unknown-key-0123456789',
    ]) {
      expect(authenticate(header, clients)).toBeUndefined();
    }
  });

  it('scopes a client to its municipalities; * is every municipality', () => {
    const chiyoda = authenticate('Bearer old-key-0123456789', clients)!;
    expect(canActFor(chiyoda, '131016')).toBe(true);
    expect(canActFor(chiyoda, '011002')).toBe(false);
    expect(canActFor(authenticate('Bearer portal-key-0123456789', clients)!, '011002')).toBe(true);
  });
});

describe('the OpenAPI document', () => {
  /** Every route the controllers declare, as `METHOD /path/{param}`. */
  function controllerRoutes(): string[] {
    const routes: string[] = [];
    for (const controller of [ApplicationsController, WebhooksController]) {
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as unknown as Record<string, unknown>)[name] as object;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined || name === 'constructor') continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!;
        const full = `/${base}/${path}`
          .replace(/\/+/g, '/')
          .replace(/\/$/, '')
          .replace(/:(\w+)/g, '{$1}');
        routes.push(`${method} ${full}`);
      }
    }
    return routes.sort();
  }

  it('describes exactly the routes the controllers serve', () => {
    const documented = API_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(documented).toEqual(controllerRoutes());
  });

  it('is OpenAPI 3 with the problem schema and the bearer scheme, and JSON-serialisable', () => {
    const document = JSON.parse(JSON.stringify(openApiDocument())) as Record<string, any>;
    expect(document['openapi']).toMatch(/^3\./);
    expect(document['components'].securitySchemes.apiKey.scheme).toBe('bearer');
    const post = document['paths']['/v1/applications'].post;
    expect(Object.keys(post.requestBody.content)).toEqual(['application/json', 'multipart/form-data']);
    expect(
      post.requestBody.content['application/json'].schema.properties.applicant.properties.myNumber.pattern,
    ).toBe('^[0-9]{12}$');
    expect(post.responses['422'].content['application/problem+json'].schema.$ref).toBe(
      '#/components/schemas/Problem',
    );
  });
});

/** A PNG whose header claims `width`×`height` pixels, with a tiny compressed body: a decompression bomb. */
function pngDeclaring(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(width + 1))), // one row only
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('checkPhoto', () => {
  it('accepts a small JPEG and reports its size', async () => {
    const jpeg = await sharp({ create: { width: 42, height: 54, channels: 3, background: '#ddd' } })
      .jpeg()
      .toBuffer();
    const result = await checkPhoto(jpeg, 'image/jpeg');
    expect(result.ok && [result.photo.width, result.photo.height, result.photo.mediaType]).toEqual([
      42,
      54,
      'image/jpeg',
    ]);
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    for (const side of [10_000, 30_000]) {
      const bomb = pngDeclaring(side, side);
      expect(bomb.length).toBeLessThan(100_000);
      expect(side * side).toBeGreaterThan(MAX_PHOTO_PIXELS);
      const result = await checkPhoto(bomb, undefined);
      expect(!result.ok && result.error).toMatchObject({ field: 'photo', code: 'PHOTO_TOO_MANY_PIXELS' });
    }
  });

  it('refuses a truncated JPEG and a file with only magic bytes', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#abc' } })
      .jpeg()
      .toBuffer();
    for (const bytes of [jpeg.subarray(0, jpeg.length / 2), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2])]) {
      const result = await checkPhoto(bytes, undefined);
      expect(!result.ok && result.error.code).toBe('PHOTO_UNDECODABLE');
    }
  });

  it('refuses other content whatever it is called, and a declared type that is not the content', async () => {
    expect(await checkPhoto(Buffer.from('GIF89a....'), 'image/jpeg')).toMatchObject({
      ok: false,
      error: { code: 'PHOTO_TYPE' },
    });
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect(await checkPhoto(png, 'image/jpeg')).toMatchObject({
      ok: false,
      error: { code: 'PHOTO_TYPE_MISMATCH' },
    });
  });
});

describe('the card print font (Noto Sans CJK JP)', () => {
  const coverage = loadGlyphCoverage(
    '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKjp-Regular',
  );

  it('covers kana, common kanji and ASCII', () => {
    for (const text of ['ヤマダハナコ', '山田花子髙橋', 'SATO', '千代田区1丁目']) {
      for (const ch of text) expect(coverage.has(ch.codePointAt(0)!)).toBe(true);
    }
  });

  it('lacks CJK Extension C and later ideographs (𫝀 U+2B740, 𰀀 U+30000), which therefore go to review', () => {
    expect(coverage.has(0x2b740)).toBe(false);
    expect(coverage.has(0x30000)).toBe(false);
    // Extension B names in daily use (𠮟, 𪚲) are in the font.
    expect(coverage.has(0x20b9f)).toBe(true);
  });

  it('names the font and refuses a missing file or face', () => {
    expect(coverage.font).toBe('NotoSansCJKjp-Regular');
    expect(() => loadGlyphCoverage('/nonexistent/font.ttc')).toThrow(/cannot read/);
    expect(() =>
      loadGlyphCoverage('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NoSuchFace'),
    ).toThrow(/no face/);
  });
});
