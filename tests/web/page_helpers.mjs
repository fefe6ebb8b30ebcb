// Page-level helpers shared by the browser tests: logging in through the login link, counting what the
// page shows, and collecting the page's own errors (a test fails on any script error).
import { waitFor } from './support.mjs';

// Opens the page logged in as `role` (the login link sets the session cookie, then redirects to /).
export async function openAs(context, run, role) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.goto(`${run.hub.url}/login?token=${run.staff.tokens[role]}`);
  await waitFor(async () => (await page.textContent('#me')).includes(run.staff.names[role]), `the page to know ${role}`);
  // The page has chosen its view (live or replay) once body[data-view] is set.
  await waitFor(() => page.getAttribute('body', 'data-view'), 'the page to show its view');
  return { page, errors };
}

export function liveCarCount(page) {
  return page.locator('#map .car-marker:not(.ghost)').count();
}

// The first number of "37/40 delivered; ..." of the newest staff message.
export async function deliveredCount(page) {
  const text = await page.locator('[data-testid=radio-delivery]').first().textContent();
  const m = /^(\d+)\/(\d+) delivered/.exec(text || '');
  return m ? { delivered: Number(m[1]), of: Number(m[2]), text } : null;
}
