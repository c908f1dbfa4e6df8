// The parts of the system the audit log names when no person acted: each
// stored label maps to one code, and every language's catalogue names each
// code, so the board's timeline reads them in the page's language.
import { SYSTEM_ACTORS, SYSTEM_ACTOR_CODES, systemActorOf } from '../../domain/systemActors';
import { readCatalogues } from '../../lib/i18n';

it('names the actor by its stored label, and only when no person acted', () => {
  expect(systemActorOf({ actorId: null, actorLabel: 'system (incident workflow)' })).toBe('INCIDENT_WORKFLOW');
  expect(systemActorOf({ actorId: null, actorLabel: 'system:notifications' })).toBe('NOTIFICATIONS');
  expect(systemActorOf({ actorId: 'person-1', actorLabel: 'system (incident workflow)' })).toBeNull();
  expect(systemActorOf({ actorId: null, actorLabel: 'seed' })).toBeNull();
  expect(new Set(Object.values(SYSTEM_ACTORS)).size).toBe(SYSTEM_ACTOR_CODES.length);
});

it('every language names every system actor in its own catalogue', () => {
  const { languages, resources } = readCatalogues();
  for (const language of languages) {
    const words = (resources[language].web.timeline as Record<string, Record<string, unknown>>).systemActors ?? {};
    const missing = SYSTEM_ACTOR_CODES.filter((code) => typeof words[code] !== 'string');
    expect({ language, missing }).toEqual({ language, missing: [] });
  }
});
