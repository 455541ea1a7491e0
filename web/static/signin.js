// signin.js: the sign-in card a page shows when it has no session: the
// token is pasted once, traded for the session cookie (POST /v1/session)
// and never kept by the page.
import { signIn } from './api.js';
import { h } from './dom.js';
import { t, parts, has } from './i18n.js';

// signInCard asks for a token of role (an i18n key's role name: policy,
// compliance); cmd is the `earshot token` command that makes one.
// onSignedIn gets the session; error is the last rejection, if any.
export function signInCard({ role, cmd, submit, error, onSignedIn, onError }) {
  const name = t('common.role.' + role);
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, size: 40 });
  const err = h('p', { class: 'problem', role: 'alert', hidden: !error }, error ? t('common.signin.rejected', { why: error.message }) : '');
  return h('section', { class: 'card narrow', 'aria-labelledby': 'token-h' },
    h('h1', { id: 'token-h' }, t('common.signin.title')),
    h('p', {}, parts('common.signin.lead', { role: name, serve: h('code', {}, 'earshot serve'), cmd: h('code', {}, cmd) })),
    err,
    h('form', { onsubmit: async (e) => {
      e.preventDefault();
      try { onSignedIn(await signIn(input.value.trim())); } catch (x) { onError(x); }
    } },
    h('label', { for: 'token' }, t('common.signin.label', { role: name })), input,
    h('button', { type: 'submit' }, submit || t('common.signin.submit'))));
}

// roleName is a token role as page text ("合规" for compliance); a role
// the dictionaries do not name stays as it is.
export function roleName(role) {
  const key = 'common.role.' + role;
  return has(key) ? t(key) : role;
}

// showWho fills the shared header: who is signed in, the sign-out button,
// and the warning shown when the server requires no tokens (open).
export function showWho(who, open) {
  document.getElementById('whoami').textContent = who ? who.subject + ' (' + roleName(who.role) + ')' : open ? t('common.who.none') : '';
  document.getElementById('signout').hidden = !who;
  document.getElementById('insecure').hidden = !open;
}

// askToken hides the page's content (a selector) and shows the sign-in
// card for a token of role in #signin-slot until one is accepted, then
// calls onOpen. st holds the page's who and the last rejection.
export function askToken(st, { role, content, open, onOpen }) {
  showWho(st.who, open);
  document.querySelector(content).hidden = true;
  document.getElementById('signin-slot').replaceChildren(signInCard({
    role, cmd: `earshot token --role ${role} --subject YOUR-NAME`, error: st.signInError,
    onSignedIn: (who) => { st.who = who; st.signInError = null; showWho(who, open); onOpen(); },
    onError: (e) => { st.signInError = e; askToken(st, { role, content, open, onOpen }); },
  }));
}
