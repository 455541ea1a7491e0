// shell.js: the header every earshot page shares: brand, the sections'
// navigation, who is signed in, the 中文/English switch, the feed state,
// and the banner of a server that requires no tokens. A page puts
// <div data-shell></div> first in its body and calls mountShell once its
// dictionaries are loaded; a new section is one entry of NAV.
import { h } from './dom.js';
import { apply, mountSwitch } from './i18n.js';

// NAV is every section, in header order. href is absolute so the links work
// from every page (the console's sections are routes of /).
export const NAV = [
  { id: 'cases', href: '/#/cases', key: 'common.nav.cases' },
  { id: 'appeals', href: '/#/appeals', key: 'common.nav.appeals' },
  { id: 'alerts', href: '/#/alerts', key: 'common.nav.alerts' },
  { id: 'escalations', href: '/#/escalations', key: 'common.nav.escalations' },
  { id: 'search', href: '/#/search', key: 'common.nav.search' },
  { id: 'rooms', href: '/#/rooms', key: 'common.nav.rooms' },
  { id: 'lexicon', href: '/lexicon', key: 'common.nav.lexicon' },
  { id: 'trust', href: '/trust', key: 'common.nav.trust' },
  { id: 'links', href: '/links', key: 'common.nav.links' },
];

// mountShell replaces the page's [data-shell] with the header. brand is
// the i18n key of the page's name, current the NAV id it belongs to (the
// console moves it per route with setCurrent), whoLabel the key of the
// label before the signed-in name.
export function mountShell({ brand, current = '', whoLabel = 'common.who.label' }) {
  const slot = document.querySelector('[data-shell]');
  if (!slot) throw new Error('earshot: the page has no [data-shell] element');
  const nodes = [
    h('a', { class: 'skip', href: '#main', 'data-i18n': 'common.skip' }),
    h('header', { class: 'top' },
      h('p', { class: 'brand' }, h('span', { 'aria-hidden': 'true' }, '◉'), ' earshot ', h('span', { class: 'sub', 'data-i18n': brand })),
      h('nav', { 'data-i18n-attr': 'aria-label:common.nav' },
        h('ul', {}, NAV.map((n) => h('li', {}, h('a', { href: n.href, 'data-nav': n.id, 'data-i18n': n.key }))))),
      h('div', { class: 'who' },
        h('span', { class: 'label', 'data-i18n': whoLabel }), ' ', h('span', { id: 'whoami' }),
        h('button', { type: 'button', id: 'signout', hidden: true, 'data-i18n': 'common.signout' })),
      h('div', { class: 'lang', 'data-lang-here': '' }),
      h('p', { id: 'conn', class: 'conn', role: 'status', 'aria-live': 'polite' })),
    h('p', { id: 'insecure', class: 'insecure', role: 'alert', hidden: true, 'data-i18n': 'common.insecure' }),
  ];
  slot.replaceWith(...nodes);
  for (const n of nodes) apply(n);
  mountSwitch();
  setCurrent(current);
}

// setCurrent marks the section the page shows.
export function setCurrent(id) {
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === id) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}
