/** The static documentation page (/v1/docs): it reads /v1/openapi.json from the same server and
 * lists every endpoint with its parameters and response fields. No third-party assets. */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>pytin API</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; }
code, pre { font: 13px ui-monospace, monospace; background: #f4f4f4; padding: 0 .2em; }
h2 { border-top: 1px solid #ddd; padding-top: 1em; font-size: 1.1em; }
table { border-collapse: collapse; } td, th { text-align: left; padding: .2em .6em; border-bottom: 1px solid #eee; vertical-align: top; }
</style>
</head>
<body>
<h1>pytin read-only API</h1>
<p>Every request but <code>/v1/health</code> needs <code>Authorization: Bearer &lt;token&gt;</code> (<code>pytin token create --name NAME</code>).
Every answer carries <code>X-Pytin-Revision</code> (the commit it was read at) and an <code>ETag</code>; send it back as <code>If-None-Match</code> for a 304.
Add <code>?rev=COMMIT</code> to read an earlier applied commit. Lists page with <code>?limit=</code> and the opaque <code>?after=</code> cursor from <code>next</code>.
The machine-readable description is <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1).</p>
<div id="endpoints">Loading /v1/openapi.json ...</div>
<script>
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
fetch('/v1/openapi.json').then((r) => r.json()).then((doc) => {
  const out = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const op = item.get;
    out.push('<h2><code>GET ' + esc(path) + '</code></h2><p>' + esc(op.summary) + '</p>');
    if (op.description) out.push('<p>' + esc(op.description) + '</p>');
    if (op.parameters && op.parameters.length) {
      out.push('<table><tr><th>parameter</th><th>in</th><th>description</th></tr>');
      for (const p of op.parameters) out.push('<tr><td><code>' + esc(p.name) + '</code></td><td>' + esc(p.in) + '</td><td>' + esc(p.description) + '</td></tr>');
      out.push('</table>');
    }
    const body = op.responses['200'].content['application/json'].schema;
    out.push('<p>Fields: ' + Object.keys(body.properties).map((k) => '<code>' + esc(k) + '</code>').join(', ') + '</p>');
  }
  document.getElementById('endpoints').innerHTML = out.join('');
});
</script>
</body>
</html>
`;
