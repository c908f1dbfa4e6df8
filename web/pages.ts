// The page shells. Each gives the page its heading, landmarks and a live
// region; the page's ES module fills in data from the JSON API. Public pages
// say what they are even before the data arrives.
import { html, type SafeHtml } from '../lib/html';

const loading = (what: string): SafeHtml =>
  html`<p class="loading" role="status">Loading ${what}…</p>`;

const needsScript = html`<noscript><p class="error-summary">This page needs JavaScript to load its information. The same information is available from the JSON API.</p></noscript>`;

export const landingBody = (): SafeHtml => html`
    <h1>Clayton's promises, on the record</h1>
    <p class="lede">After the 2018 police incident the City of Clayton committed to a community action plan and to a
    Critical Incident Communications Plan. This site shows what the City promised, when each promise is due, and whether it was kept.</p>
    ${needsScript}
    <section aria-labelledby="plans-heading" id="plans">
      <h2 id="plans-heading">The 12-month action plan</h2>
      <p>Progress on the four community goals, updated every month.</p>
      <div id="plans-list">${loading('the action plan')}</div>
    </section>
    <section aria-labelledby="incidents-heading" id="incidents">
      <h2 id="incidents-heading">Critical incidents</h2>
      <p>For each critical incident: what the communications plan required, what the City published, and which deadlines were met or missed.</p>
      <div id="incidents-list">${loading('incidents')}</div>
    </section>
    <section aria-labelledby="feeds-heading" id="feeds">
      <h2 id="feeds-heading">Follow along</h2>
      <ul>
        <li><a href="/feeds/statements.atom">Published statements (Atom feed)</a> for a feed reader.</li>
        <li><a href="/feeds/deadlines.ics">Upcoming public deadlines (calendar)</a> to add to your calendar app.</li>
      </ul>
      <p class="small muted">City staff: <a href="/console">sign in to the staff console</a>.</p>
    </section>`;

export const planBody = (): SafeHtml => html`
    <h1 id="plan-title">Action plan progress</h1>
    ${needsScript}
    <div id="plan">${loading('the action plan dashboard')}</div>`;

export const publicIncidentBody = (number: string): SafeHtml => html`
    <h1 id="incident-title">Critical incident ${number}</h1>
    ${needsScript}
    <div id="incident">${loading('the public record for this incident')}</div>`;

export const signInBody = (): SafeHtml => html`
    <h1>Sign in to the staff console</h1>
    <p>For City of Clayton staff, officials and stakeholder leads. Residents do not need an account: everything public is on the <a href="/">public site</a>.</p>
    <form id="sign-in" novalidate>
      <div class="form-status" aria-live="assertive"></div>
      <div class="field">
        <label for="email">Email address</label>
        <span class="field-error" id="email-error"></span>
        <input type="email" id="email" name="email" autocomplete="username" required spellcheck="false">
      </div>
      <div class="field">
        <label for="password">Password</label>
        <span class="field-error" id="password-error"></span>
        <input type="password" id="password" name="password" autocomplete="current-password" required>
      </div>
      <button type="submit">Sign in</button>
    </form>
    <section id="email-link" hidden>
      <h2>Sign in with a link by email</h2>
      <p>While an incident is active, officials can ask for a one-time sign-in link instead. It works once, for a few minutes.</p>
      <button type="button" id="email-link-send">Email me a sign-in link</button>
      <p class="form-status" id="email-link-status" aria-live="polite"></p>
    </section>
    <section id="use-link" hidden>
      <h2>Your one-time sign-in link</h2>
      <button type="button" id="use-link-button">Sign in with this link</button>
      <p class="form-status" id="use-link-status" aria-live="assertive"></p>
    </section>`;

export const consoleHomeBody = (): SafeHtml => html`
    <h1>Staff console</h1>
    ${needsScript}
    <div id="home">${loading('your work')}</div>`;

export const declareBody = (): SafeHtml => html`
    <h1>Declare a critical incident</h1>
    <p class="lede">Declaring starts the communications plan: officials are notified by email and text at once, and the clock starts on every public deadline.</p>
    ${needsScript}
    <div id="declare">${loading('the communications plan')}</div>`;

export const boardBody = (number: string): SafeHtml => html`
    <h1 id="incident-title">Incident ${number}</h1>
    ${needsScript}
    <div id="board">${loading('the incident board')}</div>`;

export const approvalsBody = (): SafeHtml => html`
    <h1>Statements awaiting approval</h1>
    <p class="lede">Every statement waiting for your decision, across incidents, soonest deadline first. Approve it, send it back
    with a comment, or revise it and approve your revision in one step. Nobody approves their own words: when you wrote a
    version, someone else approves it in your place.</p>
    ${needsScript}
    <div id="approvals">${loading('the approval queue')}</div>`;

export const itemsBody = (): SafeHtml => html`
    <h1>My action items</h1>
    <p>Items you own in the action plan, with their due dates. Post progress here; the public dashboard shows it in the next monthly update.</p>
    ${needsScript}
    <div id="items">${loading('your items')}</div>`;

export const deliveriesBody = (): SafeHtml => html`
    <h1>Delivery log</h1>
    <p>Every email and text message sent for an incident, its channel and whether it arrived.</p>
    ${needsScript}
    <div id="deliveries">${loading('the delivery log')}</div>`;

export const notFoundBody = (what: string): SafeHtml => html`
    <h1>Page not found</h1>
    <p>We could not find ${what}. Check the address, or go to the <a href="/">home page</a>.</p>`;
