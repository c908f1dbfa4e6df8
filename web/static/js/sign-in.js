import { api, ApiError, rememberCsrf, showFormErrors, clearFormErrors, whileBusy, fetchMe, plainMessage, t } from './lib.js';

const form = document.getElementById('sign-in');

/** Only same-site console paths, so a crafted ?next= cannot send people elsewhere. */
function nextPath() {
  const next = new URLSearchParams(location.search).get('next');
  return next && /^\/(console|statements)(\/|$|\?)/.test(next) && !next.startsWith('//') ? next : '/console';
}

// Already signed in (e.g. a bookmark to the sign-in page): go straight on.
fetchMe().then((me) => {
  if (me) location.replace(nextPath());
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFormErrors(form);
  const email = form.email.value.trim();
  const password = form.password.value;
  const missing = [];
  if (!email) missing.push({ field: 'email', message: t('signIn.enterEmail') });
  if (!password) missing.push({ field: 'password', message: t('signIn.enterPassword') });
  if (missing.length) {
    showFormErrors(form, new ApiError(400, { error: { code: 'invalid_input', message: missing[0].message, details: missing } }));
    return;
  }
  await whileBusy(form, async () => {
    try {
      const session = await api('POST', '/api/session', { email, password });
      rememberCsrf(session.csrfToken);
      location.assign(nextPath());
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        err.message = t('signIn.wrong');
        err.details = [{ field: 'password', message: err.message }];
      }
      showFormErrors(form, err);
      offerEmailLink(err);
    }
  });
});

// ------------------------------------------------------------------ one-time sign-in links

const emailLink = document.getElementById('email-link');
const useLink = document.getElementById('use-link');

/** The API offers the emailed link when an official's password sign-in is locked during an incident. */
function offerEmailLink(err) {
  if (!(err instanceof ApiError) || err.status !== 429 || !err.details.some((d) => d && d.field === 'signInLink')) return;
  emailLink.hidden = false;
}

document.getElementById('email-link-send').addEventListener('click', async () => {
  const status = document.getElementById('email-link-status');
  const email = form.email.value.trim();
  if (!email) {
    status.textContent = t('signIn.emailFirst');
    return;
  }
  try {
    const answer = await api('POST', '/api/session/link', { email });
    status.textContent = t('signIn.linkSent');
  } catch (err) {
    status.textContent = plainMessage(err);
  }
});

// The link carries its token in the fragment, which never reaches a server log; it is used only when the person clicks.
const linkToken = new URLSearchParams(location.hash.slice(1)).get('link');
if (linkToken) {
  history.replaceState(null, '', location.pathname + location.search);
  form.hidden = true;
  useLink.hidden = false;
  document.getElementById('use-link-button').addEventListener('click', async () => {
    const status = document.getElementById('use-link-status');
    try {
      const session = await api('POST', '/api/session/link/redeem', { token: linkToken });
      rememberCsrf(session.csrfToken);
      location.assign(nextPath());
    } catch (err) {
      status.textContent = err instanceof ApiError && err.status === 401 ? t('signIn.linkUsed') : plainMessage(err);
      form.hidden = false;
    }
  });
}
