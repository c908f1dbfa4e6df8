import { api, ApiError, rememberCsrf, showFormErrors, clearFormErrors, whileBusy, fetchMe } from './lib.js';

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
  if (!email) missing.push({ field: 'email', message: 'Enter your email address' });
  if (!password) missing.push({ field: 'password', message: 'Enter your password' });
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
        err.message = 'The email address or password is not right. Check them and try again.';
        err.details = [{ field: 'password', message: err.message }];
      }
      showFormErrors(form, err);
    }
  });
});
