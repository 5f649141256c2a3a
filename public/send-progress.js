// Keeps a send's progress current without reloading the page; without JavaScript the page has a refresh link.
const root = document.querySelector('[data-send-progress]');
if (root) {
  const url = root.getAttribute('data-send-progress');
  const set = (name, value) => {
    const el = root.querySelector(`[data-field="${name}"]`);
    if (el) el.textContent = String(value);
  };
  const tick = async () => {
    try {
      const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!res.ok) return;
      const p = await res.json();
      for (const k of ['status', 'total', 'sent', 'failed', 'waiting', 'percent']) set(k, p[k]);
      const bar = root.querySelector('progress');
      if (bar) bar.value = p.percent;
      if (p.status === 'sending' || p.status === 'queued') setTimeout(tick, 3000);
      else window.location.reload();
    } catch {
      setTimeout(tick, 10000);
    }
  };
  setTimeout(tick, 3000);
}
