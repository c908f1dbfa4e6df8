// The console's entry for the comment moderation queue: in the navigation of
// every console page, hidden until the page's script finds the signed-in
// person may moderate (web/static/js/lib.js `may`: the policy's moderator
// roles, or an item of their own through GET /api/me `grants`). The browser
// side is in test/e2e/resident-comment.test.ts.
import { renderPage } from '../../web/layout';
import { html } from '../../lib/html';
import { permissionsOf } from '../../services/policyView';
import { DEFAULT_POLICY, parsePolicy } from '../../policy';

const consolePage = (language: string) =>
  renderPage({ title: 'Console', area: 'console', language, body: html`<p>x</p>`, timeZone: 'America/Chicago', path: '/console' });

describe('the console navigation entry for residents’ comments', () => {
  it.each([
    ['en', "Residents&#39; comments"],
    ['es', 'Comentarios de residentes'],
  ])('is in the console navigation (%s), hidden until the page script finds the person may moderate', (language, label) => {
    const page = consolePage(language);
    expect(page).toContain(`<li data-permission="moderateComments" hidden><a href="/console/comments">${label}</a></li>`);
  });

  it('is not in the public navigation', () => {
    const page = renderPage({ title: 'Home', area: 'public', language: 'en', body: html`<p>x</p>`, timeZone: 'America/Chicago', path: '/' });
    expect(page).not.toContain('/console/comments');
  });

  it("is permitted to the policy's moderator roles and to no other role", () => {
    const moderators = permissionsOf(DEFAULT_POLICY).moderateComments;
    expect(moderators).toEqual(DEFAULT_POLICY.comments!.moderatorRoles);
    expect(moderators).toContain('STAKEHOLDER_LEAD');
    expect(moderators).not.toContain('PIO');
    expect(moderators).not.toContain('POLICE_CHIEF');
  });

  it('is permitted to nobody by role under a policy that takes no comments', () => {
    const { comments: _comments, ...withoutComments } = DEFAULT_POLICY;
    const policy = parsePolicy({ ...withoutComments, version: 'no-comments' }, 'a policy without comments');
    expect(permissionsOf(policy).moderateComments).toEqual([]);
  });
});
