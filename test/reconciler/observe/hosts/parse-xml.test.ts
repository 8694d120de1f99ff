import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml, XmlSyntaxError } from '../../../../reconciler/observe/hosts/xml/parse-xml.js';

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

const broken: [string, string, RegExp][] = [
  ['a DOCTYPE (entity definitions) is refused', '<!DOCTYPE d [<!ENTITY x "y">]><d>&x;</d>', /DOCTYPE is not accepted/],
  ['mismatched closing tag', '<a><b></a></b>', /<\/a> closes <b>/],
  ['unclosed element', '<a><b></b>', /unclosed element a/],
  ['unknown entity', '<a>&nbsp;</a>', /unknown reference &nbsp;/],
  ['undeclared prefix', '<p:a/>', /undeclared namespace prefix p/],
  ['duplicate attribute', '<a x="1" x="2"/>', /duplicate attribute x/],
  ['content after the root', '<a/><b/>', /content after the root element/],
  ['unquoted attribute', '<a x=1/>', /expected a quoted attribute value/],
];
for (const [name, xml, message] of broken) {
  test(`refused: ${name}`, () => {
    assert.throws(() => parseXml(xml), (error: unknown) => error instanceof XmlSyntaxError && message.test(error.message));
  });
}

test('a syntax error names its line and column', () => {
  assert.throws(() => parseXml('<a>\n  <b>\n</a>'), (error: unknown) => error instanceof XmlSyntaxError && error.line === 3);
});

test('nesting is bounded', () => {
  const deep = '<a>'.repeat(300) + '</a>'.repeat(300);
  assert.throws(() => parseXml(deep), /nest too deeply/);
});
