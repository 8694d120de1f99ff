import { html, type SafeHtml } from './html.js';
import { ICON_PATH, STYLESHEET_PATH } from './web-assets.js';

/** The document around every page: one external same-origin stylesheet, no script, the commit
 * the page shows, and the navigation (which keeps `?rev=`). */
export function pageShell(title: string, commit: string, body: SafeHtml, link: (path: string) => string): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · pytin</title>
        <link rel="stylesheet" href="${STYLESHEET_PATH}" />
        <link rel="icon" href="${ICON_PATH}" type="image/svg+xml" />
      </head>
      <body>
        <header>
          <nav><a class="brand" href="${link('/')}">pytin</a> <a href="${link('/plan')}">plan</a></nav>
          <p class="revision">commit <code data-commit="${commit}">${commit.slice(0, 12)}</code></p>
        </header>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html> `;
}
