// The comment moderation queue (/console/comments): the comments this person
// moderates (all of them for the policy's moderator roles, else those on the
// items they own), each with what is due, and publish, reject with a reason,
// answer, and "you said, we did" (the item it led to). Reads and acts through
// /api/comments/... only.
import { ApiError, api, h, onSubmit, replaceChildren, requireSignIn, showPageError, t, formatDateTime } from './lib.js';

const root = document.getElementById('comment-queue');

function actionForm(id, label, fieldName, fieldLabel, multiline, send) {
  const form = h('form', { class: 'inline-form', 'data-action': id },
    h('label', {}, fieldLabel, multiline ? h('textarea', { name: fieldName, rows: 3, required: true }) : h('input', { name: fieldName, required: true })),
    h('p', { class: 'form-status', role: 'status' }),
    h('button', { type: 'submit' }, label));
  onSubmit(form, () => send(form.elements[fieldName].value));
  return form;
}

function card(comment, reload) {
  const act = (method, path, body) => api(method, path, body).then(reload);
  const open = comment.status === 'PENDING' || comment.status === 'PUBLISHED';
  return h('article', { class: `card comment ${comment.overdue ? 'overdue' : ''}`, id: `queue-${comment.id}`, 'data-status': comment.status },
    h('p', { class: 'small' },
      h('a', { href: comment.publicPath }, comment.itemTitle || `${t('comments:page.goal', { number: comment.goalNumber })}: ${comment.goalTitle}`),
      ` · ${comment.displayName || t('comments:page.anonymous')} · ${formatDateTime(comment.receivedAt)}`),
    h('p', {}, comment.body),
    h('p', { class: 'small' },
      t(`comments:console.status.${comment.status}`),
      open ? ` · ${t('comments:page.dueAt', { due: formatDateTime(comment.dueAt) })}` : '',
      comment.lastEscalation ? ` · ${t(`comments:console.escalated.${comment.lastEscalation}`)}` : '',
      comment.wantsReply ? ` · ${t('comments:console.wantsReply')}` : '',
      comment.rejectionReason ? ` · ${comment.rejectionReason}` : ''),
    comment.replies.map((r) => h('div', { class: 'reply' }, h('p', { class: 'small' }, t('comments:page.reply', { by: r.byName, when: formatDateTime(r.createdAt) })), h('p', {}, r.body))),
    comment.status === 'PENDING' ? h('button', { type: 'button', 'data-action': 'publish', onclick: () => act('POST', `/api/comments/${comment.id}/publish`) }, t('comments:console.publish')) : null,
    open ? actionForm('reject', t('comments:console.reject'), 'reason', t('comments:console.reason'), false, (reason) => act('POST', `/api/comments/${comment.id}/reject`, { reason })) : null,
    comment.status === 'PUBLISHED' || comment.status === 'ANSWERED'
      ? actionForm('reply', t('comments:console.answer'), 'body', t('comments:console.answerLabel'), true, (body) => act('POST', `/api/comments/${comment.id}/replies`, { body }))
      : null,
    comment.status === 'PUBLISHED' || comment.status === 'ANSWERED'
      ? actionForm('link', t('comments:console.link'), 'itemId', t('comments:console.linkLabel'), false, (itemId) => act('POST', `/api/comments/${comment.id}/link`, { itemId }))
      : null);
}

async function start() {
  await requireSignIn();
  const load = async () => {
    try {
      const queue = await api('GET', '/api/comments/queue');
      replaceChildren(root, queue.comments.length ? queue.comments.map((c) => card(c, load)) : h('p', {}, t('comments:console.empty')));
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) replaceChildren(root, h('p', {}, t('comments:console.notModerator')));
      else showPageError(root, err);
    }
  };
  await load();
}

start();
