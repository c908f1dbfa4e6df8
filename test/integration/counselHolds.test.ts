// Counsel's hold and withdrawal on the running system (API, real Temporal dev
// server, worker, database, pages, feeds), under the default policy
// (holds came with clayton-2026.3): the city attorney holds the holding statement; the approved
// statement waits; the public page, its JSON, the Atom and iCalendar feeds say
// "held by counsel since ..., reason: Litigation" instead of "missed", and a
// crawl of everything public finds none of the private detail; the release
// publishes it; the PIO withdraws it with a public note.
import { currentPolicy } from '../../policy/registry';
import type { Role } from '../../domain/roles';
import { startTestSystem, type TestSystem } from '../harness/app';
import { eventually } from '../harness/eventually';
import { parseAtom, parseIcs } from '../harness/feeds';
import { apiCaller } from '../harness/http';
import { crawlPublicSite, leaks } from '../harness/publicCrawl';

let sys: TestSystem;
const serverErrors: string[] = [];
const send = apiCaller(() => sys.request, { serverErrors });

const DETAIL = 'Sealed: the family of the injured juvenile filed claim 24-117';
const RELEASE_NOTE = 'Privately settled with the family on 3 December';
const BODY = 'The St. Louis County Police Department is investigating the shooting on Forsyth Boulevard.';

beforeAll(async () => {
  sys = await startTestSystem({ smsCallbackDelaysMs: [10, 10] });
}, 240_000);

afterAll(async () => {
  await sys?.stop();
}, 60_000);

describe("counsel's hold and withdrawal, end to end", () => {
  let number = '';
  let holdId = '';
  let statementId = '';

  it('declares a severity-1 incident under the default policy (holds since clayton-2026.3)', async () => {
    const res = await send('POST', '/api/incidents', {
      as: 'CITY_MANAGER',
      json: { type: 'OFFICER_INVOLVED_SHOOTING', severity: 1, title: 'Hold test incident', summary: 'Fictional incident for the hold test' },
    });
    expect(res.status).toBe(202);
    number = res.json.number;
    expect(res.json.policyVersion).toBe(currentPolicy().version);
    expect(currentPolicy().holds).toBeDefined();
    await eventually(async () => (await send('GET', `/api/incidents/${number}`, { as: 'CITY_MANAGER' })).json?.deadlines?.length > 0, 'the incident to start');
  });

  it('only the city attorney places a hold; the category must be the policy\'s; the detail stays private', async () => {
    const body = { scope: { kind: 'STATEMENT_KIND', statementKind: 'HOLDING_STATEMENT' }, category: 'LITIGATION', detail: DETAIL };
    for (const role of ['CITY_MANAGER', 'PIO', 'MAYOR'] as Role[]) {
      expect((await send('POST', `/api/incidents/${number}/holds`, { as: role, json: body })).status).toBe(403);
    }
    const badCategory = await send('POST', `/api/incidents/${number}/holds`, { as: 'CITY_ATTORNEY', json: { ...body, category: 'HUNCH' } });
    // Which categories exist is the incident's pinned policy's word, checked by its workflow: a 422, not a schema 400.
    expect([badCategory.status, badCategory.json.error.field]).toEqual([422, 'category']);
    const noDetail = await send('POST', `/api/incidents/${number}/holds`, { as: 'CITY_ATTORNEY', json: { ...body, detail: '  ' } });
    expect([noDetail.status, noDetail.json.error.field]).toEqual([400, 'detail']);
    const badScope = await send('POST', `/api/incidents/${number}/holds`, { as: 'CITY_ATTORNEY', json: { ...body, scope: { kind: 'EVERYTHING' } } });
    expect([badScope.status, badScope.json.error.field]).toEqual([400, 'scope.kind']);

    const placed = await send('POST', `/api/incidents/${number}/holds`, { as: 'CITY_ATTORNEY', json: body });
    expect(placed.status).toBe(201);
    expect(placed.json).toMatchObject({ status: 'ACTIVE', category: 'LITIGATION', scope: body.scope });
    holdId = placed.json.holdId;
    expect((await send('POST', `/api/incidents/${number}/holds`, { as: 'CITY_ATTORNEY', json: body })).status).toBe(409);

    const detail = await send('GET', `/api/incidents/${number}`, { as: 'MAYOR' });
    expect(detail.json.holds.rules).toMatchObject({ available: true, placeBy: ['CITY_ATTORNEY'], withdrawBy: ['PIO', 'CITY_MANAGER', 'CITY_ATTORNEY'] });
    expect(detail.json.holds.list).toEqual([expect.objectContaining({ holdId, status: 'ACTIVE', categoryLabel: 'Litigation', detail: DETAIL, placedByName: expect.any(String) })]);
    const holding = detail.json.deadlines.find((d: any) => d.key === 'holding_statement');
    expect(holding.heldSince).toBeTruthy();
    expect(holding.overdue).toBe(false);

    // Need to know: an alderman reads the incident and sees the hold and its category, never its detail.
    const alderman = await send('GET', `/api/incidents/${number}`, { as: 'ALDERMAN' });
    expect(alderman.status).toBe(200);
    expect(alderman.json.holds.list).toEqual([expect.objectContaining({ holdId, categoryLabel: 'Litigation', detail: null })]);
    expect(JSON.stringify(alderman.json)).not.toContain(DETAIL);
    const placedEvent = alderman.json.timeline.find((e: any) => e.action === 'hold.placed');
    expect(placedEvent.data).toMatchObject({ holdId, category: 'LITIGATION' });
    expect(placedEvent.data.detail).toBeUndefined();
  });

  it('the approved statement waits behind the hold, approvals intact', async () => {
    const draft = await send('POST', `/api/incidents/${number}/statements`, {
      as: 'POLICE_CHIEF',
      json: { kind: 'HOLDING_STATEMENT', title: 'Statement on the Forsyth Boulevard shooting', body: BODY },
    });
    expect(draft.status).toBe(201);
    statementId = draft.json.statementId;
    await eventually(async () => (await send('GET', `/api/statements/${statementId}`, { as: 'PIO' })).json?.live?.awaiting === 'PIO', 'the PIO\'s turn');
    expect((await send('POST', `/api/statements/${statementId}/decisions`, { as: 'PIO', json: { version: 1, decision: 'APPROVE' } })).status).toBe(200);
    const signedOff = await send('POST', `/api/statements/${statementId}/decisions`, { as: 'CITY_MANAGER', json: { version: 1, decision: 'APPROVE' } });
    expect(signedOff.status).toBe(200);
    expect(signedOff.json).toMatchObject({ status: 'APPROVED', awaiting: null, heldBy: { holdId, category: 'LITIGATION' } });
    const statement = await send('GET', `/api/statements/${statementId}`, { as: 'MAYOR' });
    expect(statement.json.status).toBe('APPROVED');
    expect(statement.json.approvals.map((a: any) => [a.role, a.decision]).sort()).toEqual([
      ['CITY_MANAGER', 'APPROVED'],
      ['PIO', 'APPROVED'],
    ]);
    // Held statements are not in anyone's approval queue.
    expect((await send('GET', '/api/approvals?awaiting=anyone', { as: 'PIO' })).json.statements.map((s: any) => s.statementId)).not.toContain(statementId);
  });

  it('the public page, the Atom and the iCalendar feeds say "held by counsel since ..., reason: Litigation", never the detail', async () => {
    const publicView = await send('GET', `/api/public/incidents/${number}`);
    expect(publicView.json.statements).toEqual([]);
    const holding = publicView.json.deadlineList.find((d: any) => d.key === 'holding_statement');
    expect(holding).toMatchObject({ status: 'held', heldByCounsel: { since: expect.any(String), reason: 'Litigation' } });
    expect(publicView.json.deadlines.held).toBe(1);
    expect(publicView.json.heldByCounsel).toBe(true);
    expect(publicView.json.holds).toEqual([
      expect.objectContaining({ status: 'active', reason: 'Litigation', covers: 'every holding statement', endedAt: null }),
    ]);
    // In Spanish: the category in the policy's Spanish words, what it covers in the catalogue's.
    const spanish = await send('GET', `/api/public/incidents/${number}?lang=es`);
    expect(spanish.json.deadlineList.find((d: any) => d.key === 'holding_statement').heldByCounsel).toMatchObject({ reason: 'Litigio' });
    expect(spanish.json.holds).toEqual([expect.objectContaining({ status: 'active', reason: 'Litigio', covers: 'cada comunicado inicial' })]);

    const ics = parseIcs(await (await fetch(`${sys.baseUrl}/feeds/deadlines.ics`)).text());
    const event = ics.components.find((e) => e.props.UID?.startsWith(`${number}-holding_statement@`))!;
    expect(event.props.SUMMARY).toMatch(/^Held by counsel since .+, reason: Litigation: Holding statement/);
    expect(event.props.STATUS).toBe('TENTATIVE');
    expect(event.categories).toContain('HELD_BY_COUNSEL');

    const atom = parseAtom(await (await fetch(`${sys.baseUrl}/feeds/statements.atom`)).text());
    const entry = atom.entries.find((e) => e.title.startsWith(`${number}: Publication held by counsel since`))!;
    expect(entry.title).toContain('reason: Litigation');

    // The feeds in Spanish, asked for with ?lang=es.
    const icsEs = parseIcs(await (await fetch(`${sys.baseUrl}/feeds/deadlines.ics?lang=es`)).text());
    const eventEs = icsEs.components.find((e) => e.props.UID?.startsWith(`${number}-holding_statement@`))!;
    expect(eventEs.props.SUMMARY).toMatch(/^Retenido por la asesoría legal desde el .+; motivo: Litigio: Comunicado inicial/);
    const atomEs = parseAtom(await (await fetch(`${sys.baseUrl}/feeds/statements.atom?lang=es`)).text());
    expect(atomEs.entries.find((e) => e.title.startsWith(`${number}: Publicación retenida por la asesoría legal desde el`))?.title).toContain('motivo: Litigio');

    const pages = await crawlPublicSite(sys.baseUrl);
    expect(pages.map((p) => p.path)).toEqual(expect.arrayContaining([`/incidents/${number}`, `/api/public/incidents/${number}`]));
    expect(pages.filter((p) => p.status >= 400).map((p) => `${p.path} ${p.status}`)).toEqual([]);
    expect(leaks(pages, [DETAIL, 'claim 24-117', BODY, 'city.attorney@example.org', sys.roster.people.cityAttorney.name])).toEqual([]);
  });

  it('the release publishes the statement; the holding statement deadline is met; the hold is on the public record', async () => {
    expect((await send('POST', `/api/incidents/${number}/holds/${holdId}/release`, { as: 'CITY_MANAGER', json: {} })).status).toBe(403);
    const released = await send('POST', `/api/incidents/${number}/holds/${holdId}/release`, { as: 'CITY_ATTORNEY', json: { note: RELEASE_NOTE } });
    expect(released.status).toBe(200);
    expect(released.json).toMatchObject({ status: 'RELEASED' });
    expect((await send('POST', `/api/incidents/${number}/holds/${holdId}/release`, { as: 'CITY_ATTORNEY', json: {} })).status).toBe(409);

    const publicView = await eventually(async () => {
      const view = await send('GET', `/api/public/incidents/${number}`);
      return view.json.statements.length === 1 && view.json.deadlineList.find((d: any) => d.key === 'holding_statement').status === 'met' && view;
    }, 'the statement to publish and meet its deadline');
    expect(publicView.json.statements[0]).toMatchObject({ id: statementId, body: BODY });
    expect(publicView.json.holds[0]).toMatchObject({ status: 'released', reason: 'Litigation', endedAt: expect.any(String) });
    const staff = await send('GET', `/api/incidents/${number}`, { as: 'CITY_MANAGER' });
    expect(staff.json.holds.list[0]).toMatchObject({ status: 'RELEASED', endNote: RELEASE_NOTE });
    expect(staff.json.timeline.map((e: any) => e.action)).toEqual(
      expect.arrayContaining(['hold.placed', 'statement.publication-held', 'hold.released', 'statement.published']),
    );
  });

  it('a published statement is withdrawn with a public note by the roles the policy names; its text leaves the public record, the fact stays', async () => {
    expect((await send('POST', `/api/statements/${statementId}/withdraw`, { as: 'POLICE_CHIEF', json: { note: 'x' } })).status).toBe(403);
    const noNote = await send('POST', `/api/statements/${statementId}/withdraw`, { as: 'PIO', json: {} });
    expect([noNote.status, noNote.json.error.field]).toEqual([400, 'note']);
    const withdrawn = await send('POST', `/api/statements/${statementId}/withdraw`, { as: 'PIO', json: { note: 'Withdrawn: it named the wrong investigating agency.' } });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.json).toMatchObject({ statementId, status: 'WITHDRAWN' });
    expect((await send('POST', `/api/statements/${statementId}/withdraw`, { as: 'CITY_MANAGER', json: { note: 'again' } })).status).toBe(409);

    const publicView = await send('GET', `/api/public/incidents/${number}`);
    expect(publicView.json.statements).toEqual([]);
    expect(publicView.json.withdrawnStatements).toEqual([
      expect.objectContaining({ id: statementId, kindLabel: 'Holding statement', note: 'Withdrawn: it named the wrong investigating agency.' }),
    ]);
    // The deadline was met when it was published; that stays on the record.
    expect(publicView.json.deadlineList.find((d: any) => d.key === 'holding_statement').status).toBe('met');
    const atom = await (await fetch(`${sys.baseUrl}/feeds/statements.atom`)).text();
    expect(parseAtom(atom).entries.find((e) => e.id.endsWith(`#statement-${statementId}`))?.title).toMatch(new RegExp(`^${number}: Withdrawn: Holding statement`));
    const staff = await send('GET', `/api/statements/${statementId}`, { as: 'MAYOR' });
    expect(staff.json).toMatchObject({ status: 'WITHDRAWN', withdrawalNote: 'Withdrawn: it named the wrong investigating agency.' });
    // Those the policy names are told (the incident workflow is still running).
    await eventually(async () => (await sys.db.notification.count({ where: { incident: { number }, purpose: 'statement.withdrawn' } })) >= 3, 'the withdrawal notices');

    const pages = await crawlPublicSite(sys.baseUrl);
    expect(leaks(pages, [DETAIL, RELEASE_NOTE, BODY, 'city.attorney@example.org', 'pio@example.org'])).toEqual([]);
  });

  it('no request got a 5xx', () => {
    expect(serverErrors).toEqual([]);
  });
});
