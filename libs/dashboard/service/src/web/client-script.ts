/**
 * The browser side, kept small: live refresh of the page's main section over server-sent events, buttons
 * that post JSON actions, personal data shown in place (never stored), and the reviewers' keyboard keys.
 * Written as a function so it is type-checked and transpiled with the server; it is served as its source.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const EventSource: any;

export function dashboardClient(): void {
  const main = document.querySelector('main');
  const flash = document.querySelector('#flash');
  const say = (text: string, kind: 'ok' | 'error') => {
    flash.textContent = text;
    flash.className = kind;
  };
  let refreshing = false;
  // A page that is not live (the photo review: its images are audited views) refreshes after an action only.
  const refresh = async (afterAction = false) => {
    if (refreshing || !main || !(afterAction || main.hasAttribute('data-live'))) return;
    const active = document.activeElement;
    // A live update waits while the operator types; the result of their own action does not.
    if (!afterAction && active && main.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))
      return;
    refreshing = true;
    try {
      const url = new URL(window.location.href);
      url.searchParams.set('fragment', '1');
      const response = await fetch(url, { credentials: 'same-origin' });
      if (response.ok) main.innerHTML = await response.text();
    } finally {
      refreshing = false;
    }
  };
  if (main && main.hasAttribute('data-live')) {
    const source = new EventSource('/api/events');
    const status = document.querySelector('#live');
    source.addEventListener('changed', () => void refresh());
    source.onopen = () => status && status.classList.add('on');
    source.onerror = () => status && status.classList.remove('on');
  }

  const post = async (url: string, body: unknown) => {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let data: any = {};
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      data = { detail: text };
    }
    return { ok: response.ok, status: response.status, data };
  };

  document.addEventListener('click', async (event: any) => {
    const button = event.target.closest('[data-post]');
    if (!button) return;
    event.preventDefault();
    const body: Record<string, string> = {};
    for (const field of (button.getAttribute('data-fields') || '').split(',').filter(Boolean)) {
      const input = document.querySelector('#' + field);
      if (input) body[field] = input.value;
    }
    if (button.hasAttribute('data-confirm') && !window.confirm(button.getAttribute('data-confirm'))) return;
    button.disabled = true;
    try {
      const result = await post(button.getAttribute('data-post'), body);
      if (!result.ok) {
        say(`${result.status}: ${result.data.detail || result.data.title || 'failed'}`, 'error');
        return;
      }
      const target = button.getAttribute('data-render');
      if (target) {
        const element = document.querySelector(target);
        element.textContent = '';
        for (const [key, value] of Object.entries(result.data.fields || {})) {
          const dt = document.createElement('dt');
          dt.textContent = key;
          const dd = document.createElement('dd');
          dd.textContent = String(value);
          element.append(dt, dd);
        }
      }
      say(result.data.message || 'OK', 'ok');
      if (!target) await refresh(true);
    } finally {
      button.disabled = false;
    }
  });

  // Reviewers work through the queue from the keyboard.
  document.addEventListener('keydown', (event: any) => {
    if (!document.querySelector('[data-review]')) return;
    if (event.target.id === 'reject-reason' && event.key === 'Enter') {
      event.preventDefault();
      document.querySelector('#reject')?.click();
      return;
    }
    if (
      /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) ||
      event.ctrlKey ||
      event.metaKey ||
      event.altKey
    )
      return;
    const keys: Record<string, string> = {
      c: '#claim',
      a: '#approve',
      r: '#reject-reason',
      j: '#next',
      k: '#previous',
    };
    const selector = keys[event.key];
    if (!selector) return;
    const element = document.querySelector(selector);
    if (!element) return;
    event.preventDefault();
    if (event.key === 'r') element.focus();
    else element.click();
  });
}

export const CLIENT_SCRIPT = `(${dashboardClient.toString()})();`;
