import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { syntheticApplicant } from '@mnc/synthetic';
import { NeedleIndex, personalDataNeedles, scanLogs, type PersonalDataHit } from './personal-data-scan';

describe('the personal-data scan', () => {
  const seeds = [11, 12, 13];
  const index = new NeedleIndex(personalDataNeedles(seeds));

  it('finds a my number, a name and an address line planted in a log, and names the seed, not the value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-'));
    const a = syntheticApplicant(12);
    fs.writeFileSync(
      path.join(dir, 'stage.log'),
      [
        '{"level":30,"msg":"clean line"}',
        `{"level":30,"msg":"leak","n":"${a.myNumber}"}`,
        `{"level":30,"name":"${a.familyName}\u3000${a.givenName}","address":"${a.address.line}"}`,
      ].join('\n'),
    );
    const hits: PersonalDataHit[] = [];
    const scanned = scanLogs([dir], index, hits);

    expect(scanned).toEqual({ files: 1, lines: 3 });
    expect(hits.map((h) => [h.field, h.seed, h.where.endsWith(':2') || h.where.endsWith(':3')])).toEqual(
      expect.arrayContaining([
        ['myNumber', 12, true],
        ['name', 12, true],
        ['addressLine', 12, true],
      ]),
    );
    expect(JSON.stringify(hits)).not.toContain(a.myNumber);
  });

  it('finds nothing in text without the applicants data', () => {
    expect(index.find('application 01a21f21 encoded card 2026-11-27T10:00:00Z 123456789018')).toEqual([]);
  });
});
