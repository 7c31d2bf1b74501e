import { afterEach, describe, expect, it } from 'vitest';
import {
  assignRole,
  category,
  check,
  cliFlags,
  describeFile,
  fileInMessage,
  initialDraft,
  looksLikeNps,
  partitionByMapping,
  roleOf,
  scaleNeeded,
  scalePreview,
  toImportMapping,
  type MappingDraft,
} from './mapping';
import { genericInspection, recodedInspection } from './mappingFixtures';
import { MappingFlow } from './mappingFlow.svelte';
import { installMockBackend, uninstallMockBackend } from '../api/devMock';
import type { AppError, ImportMapping } from '../api';

afterEach(() => uninstallMockBackend());

describe('mapping draft', () => {
  it('opens with what detection found, and nothing for a table it could not read', () => {
    const d = initialDraft(genericInspection());
    expect(d).toEqual({ id: null, date: null, nps: null, comment: null, account: null, scale: null });
    const r = initialDraft(recodedInspection());
    expect(r.nps).toBe('How likely are you to recommend us?');
    expect(r.scale).toBeNull();
  });

  it('opens with the remembered mapping of a later wave', () => {
    const i = { ...genericInspection(), remembered: { survey_id: 3, survey_name: 'w1', nps_column: 'q7', comment_column: 'free text', account_column: 'company' } };
    const d = initialDraft(i);
    expect([d.nps, d.comment, d.account]).toEqual(['q7', 'free text', 'company']);
  });

  it('gives each role to one column and each column one role', () => {
    let d = initialDraft(genericInspection());
    d = assignRole(d, 'q7', 'nps');
    d = assignRole(d, 'answered', 'date');
    expect(roleOf(d, 'q7')).toBe('nps');
    // Moving the NPS role to another column takes it from q7.
    d = assignRole(d, 'company', 'nps');
    expect([roleOf(d, 'q7'), roleOf(d, 'company')]).toEqual([null, 'nps']);
    // A column given a second role loses its first.
    d = assignRole(d, 'company', 'account');
    expect([d.nps, d.account]).toEqual([null, 'company']);
    // Back to a segment.
    d = assignRole(d, 'answered', null);
    expect(d.date).toBeNull();
  });

  it('asks for the scale again when the NPS column changes', () => {
    const i = recodedInspection();
    let d: MappingDraft = { ...initialDraft(i), scale: '1-11' };
    d = assignRole(d, 'id', 'id');
    expect(d.scale).toBe('1-11');
    d = assignRole(d, 'id', 'nps');
    expect(d.scale).toBeNull();
  });
});

describe('recoded scales', () => {
  it('needs a scale only for a recoded NPS column', () => {
    const i = recodedInspection();
    expect(scaleNeeded(i, initialDraft(i))).toBe('1-11');
    const g = genericInspection();
    expect(scaleNeeded(g, assignRole(initialDraft(g), 'q7', 'nps'))).toBeNull();
  });

  it('blocks the import until a scale is chosen, and never shifts silently', () => {
    const i = recodedInspection();
    const d = initialDraft(i);
    expect(check(i, d)).toMatchObject({ ok: false, problem: 'Choose how to read the NPS numbers.' });
    expect(check(i, { ...d, scale: '1-11' }).ok).toBe(true);
    expect(toImportMapping(i, { ...d, scale: '1-11' }).nps_scale).toBe('1-11');
  });

  it('previews how the first values map to 0–10 under each scale', () => {
    const c = recodedInspection().columns[1]!;
    const as = (s: Parameters<typeof scalePreview>[1]) => scalePreview(c, s).map((p) => p.score);
    expect(as('1-11')).toEqual([10, 0, 7, 9, 8, 10]);
    expect(as('0-10')).toEqual([null, 1, 8, 10, 9, null]);
    expect(as(null)).toEqual(as('0-10'));
    expect(scalePreview(c, '1-11').map((p) => p.category)).toEqual(['promoter', 'detractor', 'passive', 'promoter', 'passive', 'promoter']);
    const w = { ...c, first_values: ['100', '-100', '0'], as_weights: [10, 0, 7] };
    expect(scalePreview(w, 'weights').map((p) => [p.raw, p.score])).toEqual([['100', 10], ['-100', 0], ['0', 7]]);
  });

  it('puts 9 and 10 among promoters, 7 and 8 among passives', () => {
    expect([0, 6, 7, 8, 9, 10].map(category)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
  });
});

describe('the mapping sent to the import', () => {
  it('names the chosen columns and no scale for a column that is not recoded', () => {
    const i = genericInspection();
    let d = initialDraft(i);
    for (const [c, r] of [['ref', 'id'], ['answered', 'date'], ['q7', 'nps'], ['free text', 'comment'], ['company', 'account']] as const) {
      d = assignRole(d, c, r);
    }
    const m = toImportMapping(i, { ...d, scale: '1-11' });
    expect(m).toEqual({
      id_column: 'ref', date_column: 'answered', nps_column: 'q7', comment_column: 'free text', account_column: 'company', nps_scale: null,
    } satisfies ImportMapping);
    expect(cliFlags(m)).toBe("--id-column ref --date-column answered --nps-column q7 --comment-column 'free text' --account-column company");
    expect(check(i, d)).toEqual({ ok: true, problem: null, notes: [] });
  });

  it('notes what is missing without blocking', () => {
    const i = genericInspection();
    const notes = check(i, initialDraft(i)).notes;
    expect(notes.join(' ')).toMatch(/without NPS/);
    expect(notes.join(' ')).toMatch(/no periods/);
    const wrong = check(i, assignRole(initialDraft(i), 'company', 'nps'));
    expect(wrong.ok).toBe(true);
    expect(wrong.notes[0]).toMatch(/None of the first values/);
  });

  it('marks likely NPS columns and describes the file', () => {
    const i = genericInspection();
    expect(i.columns.filter(looksLikeNps).map((c) => c.name)).toEqual(['q7']);
    expect(looksLikeNps(recodedInspection().columns[1]!)).toBe(true);
    expect(describeFile(i)).toBe('Table · semicolon-separated · UTF-8 · 3 rows previewed');
  });
});

describe('which files ask', () => {
  it('sends unsure files to the dialog and the rest (or uninspectable ones) to the import', () => {
    const g = genericInspection('/a.csv');
    const sure = { ...genericInspection('/b.csv'), needs_mapping: false, reasons: [] };
    const { direct, ask } = partitionByMapping([
      { path: '/a.csv', inspection: g },
      { path: '/b.csv', inspection: sure },
      { path: '/c.pdf', inspection: null },
    ]);
    expect(direct).toEqual(['/b.csv', '/c.pdf']);
    expect(ask.map((i) => i.path)).toEqual(['/a.csv']);
  });

  it('finds the file a failed import names', () => {
    const msg = 'the NPS column "NPS" of /data/w/nps.csv holds only −100, 0 and 100; say how to read it';
    expect(fileInMessage(['/data/w/a.csv', '/data/w/nps.csv'], msg)).toBe('/data/w/nps.csv');
    expect(fileInMessage(['/x.csv'], msg)).toBeNull();
  });
});

describe('MappingFlow', () => {
  it('triages, shows the first unsure file, imports with the draft, then shows the next', async () => {
    const imported: Array<[string, ImportMapping]> = [];
    installMockBackend({
      inspectFile: (path) => {
        if (path.endsWith('.pdf')) throw { code: 'import_failed', message: 'not an export' };
        if (path.includes('sure')) return { ...genericInspection(path), needs_mapping: false, reasons: [] };
        return path.includes('11') ? recodedInspection(path) : genericInspection(path);
      },
    });
    const flow = new MappingFlow({
      importer: async (path, m) => {
        imported.push([path, m]);
      },
      onerror: () => undefined,
    });
    const direct = await flow.triage(['/g.csv', '/sure.csv', '/x.pdf', '/nps_1_to_11.csv']);
    expect(direct).toEqual(['/sure.csv', '/x.pdf']);
    expect(flow.open).toBe(false);
    await flow.next();
    expect(flow.inspection?.path).toBe('/g.csv');
    flow.setRole('q7', 'nps');
    await flow.submit();
    expect(imported).toEqual([['/g.csv', { ...toImportMapping(genericInspection(), assignRole(initialDraft(genericInspection()), 'q7', 'nps')) }]]);
    // The next file opens; Import does nothing until a scale is chosen.
    expect(flow.inspection?.path).toBe('/nps_1_to_11.csv');
    await flow.submit();
    expect(imported).toHaveLength(1);
    flow.setScale('1-11');
    await flow.submit();
    expect(imported[1]?.[1].nps_scale).toBe('1-11');
    expect(flow.open).toBe(false);
  });

  it('keeps the dialog open with the reason when the import fails, and Cancel moves on', async () => {
    const errors: AppError[] = [];
    installMockBackend({ inspectFile: (path) => genericInspection(path) });
    const flow = new MappingFlow({
      importer: async () => {
        throw { code: 'invalid_input', message: 'survey "w1" already maps --nps-column to "q7"' };
      },
      onerror: (e) => errors.push(e),
    });
    flow.enqueue(['/one.csv', '/two.csv']);
    await flow.next();
    await flow.submit();
    expect(flow.open).toBe(true);
    expect(flow.error).toMatch(/already maps/);
    await flow.cancel();
    expect(flow.inspection?.path).toBe('/two.csv');
    expect(flow.error).toBeNull();
    await flow.cancel();
    expect(flow.open).toBe(false);
    expect(errors).toEqual([]);
  });
});
