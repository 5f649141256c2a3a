// Turns on GOV.UK Frontend's progressive enhancements; every page works without this script.
import { initAll } from '/assets/govuk/govuk-frontend.min.js';

document.body.classList.add('govuk-frontend-supported', 'js-enabled');
initAll();
