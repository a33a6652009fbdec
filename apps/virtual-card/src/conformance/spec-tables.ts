// Reads the tables of docs/apdu-spec.md that the conformance suite runs: each is introduced by a
// `<!-- table: name -->` marker and is a plain Markdown table.
import fs from 'node:fs';
import path from 'node:path';
import { CardProfile, CARD_PROFILES } from '@mnc/card-profiles';

export type SpecRow = Readonly<Record<string, string>>;

function repositoryRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'nx.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('nx.json not found above the conformance suite');
    dir = parent;
  }
  return dir;
}

export const SPEC_PATH = path.join(repositoryRoot(), 'docs', 'apdu-spec.md');

export function readSpecTables(text = fs.readFileSync(SPEC_PATH, 'utf8')): ReadonlyMap<string, SpecRow[]> {
  const tables = new Map<string, SpecRow[]>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- table: ([a-z-]+) -->$/.exec(lines[i].trim());
    if (marker === null) continue;
    // The table starts at the first non-blank line after the marker (formatters put a blank line there).
    let start = i + 1;
    while (start < lines.length && lines[start].trim() === '') start++;
    const header = splitRow(lines[start]);
    if (!/^\|[-:| ]+\|$/.test(lines[start + 1]?.trim() ?? ''))
      throw new Error(`table ${marker[1]} has no separator row`);
    const rows: SpecRow[] = [];
    for (let j = start + 2; j < lines.length && lines[j].trim().startsWith('|'); j++) {
      const cells = splitRow(lines[j]);
      if (cells.length !== header.length)
        throw new Error(`table ${marker[1]}: row ${j + 1} has ${cells.length} cells`);
      rows.push(Object.fromEntries(header.map((name, k) => [name, cells[k]])));
    }
    tables.set(marker[1], rows);
  }
  return tables;
}

function splitRow(line: string | undefined): string[] {
  if (line === undefined) return [];
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** "both", one profile name, or a comma list. */
export function profilesOf(cell: string): CardProfile[] {
  if (cell === 'both') return [...CARD_PROFILES];
  return cell.split(',').map((name) => {
    const trimmed = name.trim();
    if (!(CARD_PROFILES as readonly string[]).includes(trimmed))
      throw new Error(`unknown profile ${trimmed}`);
    return trimmed as CardProfile;
  });
}

/** `0018` → 0x18; backticks and spaces ignored. */
export function hexCell(cell: string): string {
  return cell.replace(/[`\s]/g, '').toUpperCase();
}
