/**
 * How well a message's text places it in its district: placeText against 200 TipDM Cup messages whose
 * district a person read off each message by hand (src/text/fixtures/places-200.csv; an empty district
 * means the text does not say). Place names are learned from the other 4,126 messages of the same export
 * (never from the 200), as a city would learn them from its history. Also how many of the place names the
 * person wrote down (the `places` column) the patterns find.
 *
 *   npx tsx bench/places.ts
 * Prints tables and the wrong placements; writes bench/results/places.json. Needs ../shared/data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { EXPORT_DISTRICTS, gazetteerForMessages } from '../src/text/export-gazetteer.ts';
import { readMessageFile } from '../src/text/message-files.ts';
import { normaliseText } from '../src/text/normalise.ts';
import { extractPlaces, type Placement, placeText } from '../src/text/places.ts';

const DATA = path.join(import.meta.dirname, '..', '..', 'shared', 'data', 'teddycup2020', 'messages_with_votes.csv');
const FIXTURE = path.join(import.meta.dirname, '..', 'src', 'text', 'fixtures', 'places-200.csv');
const CONFIDENCE_FLOORS = [0, 0.5, 0.7, 0.9];

if (!fs.existsSync(DATA)) {
  console.log(
    `Skipped: ${path.relative(process.cwd(), DATA)} is missing (the shared data folder beside the repository).`,
  );
  process.exit(0);
}

interface Row {
  message_id: string;
  title: string;
  detail: string;
  district: string;
  places: string;
}
const rows = parse(fs.readFileSync(FIXTURE, 'utf8'), { columns: true, bom: true, skip_empty_lines: true }) as Row[];
const codeOf = new Map(EXPORT_DISTRICTS.map((d) => [d.name, d.areaCode]));
const unknown = rows.filter((r) => r.district.trim() && !codeOf.has(r.district.trim()));
if (unknown.length) {
  throw new Error(
    `unknown districts in the fixture: ${unknown.map((r) => `${r.message_id}=${r.district}`).join(', ')}`,
  );
}
const labelled = new Set(rows.map((r) => r.message_id));

const started = performance.now();
const history = readMessageFile(DATA).filter((m) => !labelled.has(m.id));
const gazetteer = gazetteerForMessages(history);
const learnedNames = [...gazetteer.namesByFirstChar.values()].flat().filter((n) => n.learned).length;
const learnMs = performance.now() - started;

interface Outcome {
  row: Row;
  truth: string | undefined;
  placement: Placement | null;
}
const placingStarted = performance.now();
const outcomes: Outcome[] = rows.map((row) => ({
  row,
  truth: codeOf.get(row.district.trim()),
  placement: placeText({ title: row.title, detail: row.detail }, gazetteer),
}));
const placeMs = performance.now() - placingStarted;

const withDistrict = outcomes.filter((o) => o.truth).length;
const byFloor = CONFIDENCE_FLOORS.map((floor) => {
  const made = outcomes.filter((o) => o.placement && o.placement.confidence >= floor);
  const correct = made.filter((o) => o.placement!.areaCode === o.truth).length;
  return {
    minConfidence: floor,
    placements: made.length,
    correct,
    precision: ratio(correct, made.length),
    recall: ratio(correct, withDistrict),
  };
});

// The labels say only what a reader could tell from the text; on those messages, how often is a
// placement right? (Placements of the other messages rest on learned names a reader does not know.)
const onReadable = outcomes.filter((o) => o.truth && o.placement);
const readable = {
  placements: onReadable.length,
  correct: onReadable.filter((o) => o.placement!.areaCode === o.truth).length,
  precision: ratio(onReadable.filter((o) => o.placement!.areaCode === o.truth).length, onReadable.length),
};

// Which kind of evidence the placements rest on: a district named, or only learned place names.
const bySource = (['named district', 'learned names only'] as const).map((source) => {
  const made = outcomes.filter(
    (o) => o.placement && o.placement.evidence.some((e) => e.kind === 'district') === (source === 'named district'),
  );
  const correct = made.filter((o) => o.placement!.areaCode === o.truth).length;
  return { source, placements: made.length, correct, precision: ratio(correct, made.length) };
});

// The patterns against the names the person wrote down (compared in normaliseText's spelling).
const fold = (s: string) => normaliseText(s).replace(/\s+/g, '');
let goldNames = 0;
let foundNames = 0;
let exact = 0;
let overlapping = 0;
let foundOverlapping = 0;
for (const { row } of outcomes) {
  const gold = row.places
    .split(';')
    .map(fold)
    .filter((s) => s.length > 0);
  const found = [
    ...new Set(
      [...extractPlaces(row.title, gazetteer), ...extractPlaces(row.detail, gazetteer)]
        .filter((m) => m.kind !== 'district')
        .map((m) => fold(m.text)),
    ),
  ];
  goldNames += gold.length;
  foundNames += found.length;
  exact += gold.filter((g) => found.includes(g)).length;
  overlapping += gold.filter((g) => found.some((f) => f.includes(g) || g.includes(f))).length;
  foundOverlapping += found.filter((f) => gold.some((g) => f.includes(g) || g.includes(f))).length;
}
const names = {
  written: goldNames,
  found: foundNames,
  exact: { precision: ratio(exact, foundNames), recall: ratio(exact, goldNames) },
  overlapping: { precision: ratio(foundOverlapping, foundNames), recall: ratio(overlapping, goldNames) },
};

const wrong = outcomes.filter((o) => o.placement && o.placement.areaCode !== o.truth);
const confusion = new Map<string, number>();
for (const o of wrong) {
  const key = `${o.truth ?? 'none'} → ${o.placement!.areaCode}`;
  confusion.set(key, (confusion.get(key) ?? 0) + 1);
}
const missed = outcomes.filter((o) => o.truth && !o.placement);

console.log(
  `\nDistrict placement of ${rows.length} hand-labelled messages (${withDistrict} with a district); ${learnedNames} place names learned from ${history.length} other messages in ${(learnMs / 1000).toFixed(1)} s; placing took ${placeMs.toFixed(0)} ms\n`,
);
console.log('| min confidence | placements | correct | precision | recall |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of byFloor) {
  console.log(`| ${r.minConfidence} | ${r.placements} | ${r.correct} | ${pct(r.precision)} | ${pct(r.recall)} |`);
}
console.log(
  `\nOn the ${withDistrict} messages a reader could place: ${readable.placements} placed, ${readable.correct} right (precision ${pct(readable.precision)}).`,
);
console.log('\n| placed by | placements | correct | precision |');
console.log('|---|---:|---:|---:|');
for (const r of bySource) console.log(`| ${r.source} | ${r.placements} | ${r.correct} | ${pct(r.precision)} |`);
console.log(
  `\nPlace names: ${names.written} written down, ${names.found} found; exact match precision ${pct(names.exact.precision)}, recall ${pct(names.exact.recall)}; one inside the other: precision ${pct(names.overlapping.precision)}, recall ${pct(names.overlapping.recall)}`,
);
console.log(
  `\nWrong placements (label → placed): ${[...confusion].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}`,
);
for (const o of wrong.slice(0, 12)) {
  const evidence = o.placement!.evidence.map((e) => `${e.text}(${e.kind})`).join(' ');
  console.log(
    `  ${o.row.message_id} ${o.truth ?? 'none'} → ${o.placement!.areaCode} @${o.placement!.confidence}  ${o.row.title.slice(0, 40)}  [${evidence}]`,
  );
}
console.log(`Not placed, though labelled: ${missed.length}`);
for (const o of missed.slice(0, 8)) console.log(`  ${o.row.message_id} ${o.truth}  ${o.row.title.slice(0, 40)}`);

const out = path.join(import.meta.dirname, 'results', 'places.json');
fs.writeFileSync(
  out,
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      messages: rows.length,
      withDistrict,
      learnedFrom: history.length,
      learnedNames,
      learnSeconds: Number((learnMs / 1000).toFixed(2)),
      placeMilliseconds: Math.round(placeMs),
      byConfidence: byFloor,
      onReadable: readable,
      bySource,
      names,
      confusion: Object.fromEntries(confusion),
      wrong: wrong.map((o) => ({
        id: o.row.message_id,
        label: o.truth ?? null,
        placed: o.placement!.areaCode,
        confidence: o.placement!.confidence,
        evidence: o.placement!.evidence.map((e) => e.text),
      })),
      missed: missed.map((o) => o.row.message_id),
    },
    null,
    2,
  )}\n`,
);
console.log(`written ${path.relative(process.cwd(), out)}`);

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : Number((a / b).toFixed(3));
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}
