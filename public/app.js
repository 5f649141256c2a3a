// Turns on GOV.UK Frontend's progressive enhancements; every page works without this script.
import { initAll } from '/assets/govuk/govuk-frontend.min.js';

document.body.classList.add('govuk-frontend-supported', 'js-enabled');
initAll();

// A table wider than the screen scrolls sideways in its wrapper: make such a wrapper a labelled region that takes the
// keyboard focus, so that it can be scrolled without a mouse. Wrappers that always scroll on a phone carry this in
// their markup already; this covers the others, when and only when they scroll.
function labelScrollingTables() {
  for (const wrap of document.querySelectorAll('.baton-table-wrap:not([data-static-region])')) {
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    if (wrap.hasAttribute('aria-label') && !wrap.hasAttribute('data-js-region')) {
      wrap.setAttribute('data-static-region', '');
      continue;
    }
    if (scrolls) {
      const caption = wrap.querySelector('caption')?.textContent?.trim() || 'Table';
      wrap.setAttribute('tabindex', '0');
      wrap.setAttribute('role', 'region');
      wrap.setAttribute('aria-label', `${caption} (scrolls sideways)`);
      wrap.setAttribute('data-js-region', '');
    } else if (wrap.hasAttribute('data-js-region')) {
      for (const a of ['tabindex', 'role', 'aria-label', 'data-js-region']) wrap.removeAttribute(a);
    }
  }
}
labelScrollingTables();
window.addEventListener('resize', labelScrollingTables);
