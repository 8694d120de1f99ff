import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseXml, XmlSyntaxError } from '../../../../reconciler/drivers/kvm/xml/parse-xml.js';

test('elements, attributes in both quotes, text, CDATA, comments and character references', () => {
  const root = parseXml(`<?xml version="1.0"?>
<!-- libvirt writes a comment like this -->
<domain type='kvm' id="3"><name>a &lt;b&gt; &amp; &#65;&#x42; &quot;&apos;</name><![CDATA[<raw> & ]]><empty/></domain>
`);
  assert.equal(root.name, 'domain');
  assert.deepEqual(root.attributes, { type: 'kvm', id: '3' });
  assert.equal(root.children[0]!.text, 'a <b> & AB "\'');
  assert.equal(root.text, '<raw> & ');
  assert.deepEqual(root.children[1], { name: 'empty', localName: 'empty', namespace: null, attributes: {}, children: [], text: '' });
});

test('namespace prefixes resolve per element, including default namespaces and nesting', () => {
  const root = parseXml('<m xmlns:p="urn:one"><p:a><p:b xmlns:p="urn:two"/></p:a><c xmlns="urn:three"><d/></c><e/></m>');
  const [a, c, e] = root.children;
  assert.deepEqual([a!.localName, a!.namespace], ['a', 'urn:one']);
  assert.deepEqual([a!.children[0]!.localName, a!.children[0]!.namespace], ['b', 'urn:two']);
  assert.equal(c!.namespace, 'urn:three');
  assert.equal(c!.children[0]!.namespace, 'urn:three');
  assert.equal(e!.namespace, null);
});

// The messages are saxes' own words; what matters is that each is refused with a position.
const broken: [string, string, RegExp][] = [
  ['a DOCTYPE (entity definitions) is refused', '<!DOCTYPE d [<!ENTITY x "y">]><d>&x;</d>', /DOCTYPE is not accepted/],
  ['mismatched closing tag', '<a><b></a></b>', /unexpected close tag/],
  ['unclosed element', '<a><b></b>', /unclosed tag: a/],
  ['unknown entity', '<a>&nbsp;</a>', /undefined entity/],
  ['undeclared prefix', '<p:a/>', /unbound namespace prefix: "p"/],
  ['duplicate attribute', '<a x="1" x="2"/>', /duplicate attribute: x/],
  ['content after the root', '<a/><b/>', /only one root/],
  ['unquoted attribute', '<a x=1/>', /unquoted attribute value/],
  ['no root element', '<!-- nothing -->', /root element/],
  ['a NUL character', '<a>\u0000</a>', /disallowed character/],
];
for (const [name, xml, message] of broken) {
  test(`refused: ${name}`, () => {
    assert.throws(
      () => parseXml(xml),
      (error: unknown) => error instanceof XmlSyntaxError && message.test(error.message),
    );
  });
}

test('a syntax error names its line and column', () => {
  assert.throws(
    () => parseXml('<a>\n  <b>\n</a>'),
    (error: unknown) => error instanceof XmlSyntaxError && error.line === 3,
  );
});

test('nesting is bounded', () => {
  const deep = '<a>'.repeat(300) + '</a>'.repeat(300);
  assert.throws(() => parseXml(deep), /nest too deeply/);
});

test('a byte order mark, the XML declaration and whitespace around the root are accepted', () => {
  assert.equal(parseXml('\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<domain/>\n').name, 'domain');
});

test('an attribute named __proto__ is data, not a prototype', () => {
  const root = parseXml('<a __proto__="x" b="y"/>');
  assert.equal(Object.getPrototypeOf(root.attributes), Object.prototype);
  assert.deepEqual(Object.keys(root.attributes), ['__proto__', 'b']);
});

// Entity attacks: libvirt never writes a DOCTYPE, so any DOCTYPE is refused before an element is
// built, and an entity is never expanded or fetched.
const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<domain type="kvm"><name>&lol9;</name></domain>`;

const attacks: [string, string][] = [
  ['billion laughs (nested internal entities)', BILLION_LAUGHS],
  [
    'an external entity reading /etc/passwd',
    '<?xml version="1.0"?>\n<!DOCTYPE domain [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<domain type="kvm"><name>&xxe;</name></domain>',
  ],
  ['an external parameter entity', '<!DOCTYPE domain [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]><domain/>'],
  ['an external DTD', '<!DOCTYPE domain SYSTEM "file:///etc/passwd"><domain/>'],
  ['a bare DOCTYPE', '<!DOCTYPE domain><domain/>'],
];
for (const [name, xml] of attacks) {
  test(`refused, never expanded: ${name}`, () => {
    assert.throws(
      () => parseXml(xml),
      (error: unknown) =>
        error instanceof XmlSyntaxError &&
        /DOCTYPE is not accepted/.test(error.message) &&
        !error.message.includes('root:') &&
        !error.message.includes('lollol'),
    );
  });
}

test('an entity reference without a declaration is an error, not text', () => {
  assert.throws(
    () => parseXml('<domain><name>&xxe;</name></domain>'),
    (error: unknown) => error instanceof XmlSyntaxError && /undefined entity/.test(error.message),
  );
});

test('a DOCTYPE after the root element starts is refused too', () => {
  assert.throws(() => parseXml('<domain><!DOCTYPE x [<!ENTITY y "z">]></domain>'), XmlSyntaxError);
});

test('no network access: a DOCTYPE or entity naming an HTTP URL fetches nothing', async () => {
  const { createServer } = await import('node:http');
  let requests = 0;
  const server = createServer((_request, response) => {
    requests++;
    response.end('<!ENTITY x "fetched">');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}/domain.dtd`;
    for (const xml of [
      `<!DOCTYPE domain SYSTEM "${url}"><domain/>`,
      `<!DOCTYPE domain [<!ENTITY x SYSTEM "${url}">]><domain>&x;</domain>`,
      `<!DOCTYPE domain [<!ENTITY % p SYSTEM "${url}"> %p;]><domain/>`,
    ]) {
      assert.throws(() => parseXml(xml), XmlSyntaxError);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(requests, 0);
  } finally {
    server.close();
  }
});
