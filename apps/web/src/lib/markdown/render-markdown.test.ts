import { describe, expect, it } from 'vitest';
import { isSafeLink, renderMarkdown } from './render-markdown.js';

/** Tags and attributes in rendered HTML, to check that nothing but Markdown's own output is there. */
function tagsOf(html: string): string[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)].map((m) => m[1]!.toLowerCase());
}

const ALLOWED_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'strong', 'em', 'code', 'pre', 'a', 'blockquote', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 's']);

function expectHarmless(html: string): void {
  for (const tag of tagsOf(html)) expect(ALLOWED_TAGS.has(tag), `unexpected <${tag}> in ${html}`).toBe(true);
  expect(html).not.toMatch(/<script|<img|<iframe|<svg|<style|<object|<embed|<form|<input/i);
  // No event handler attribute on any tag (escaped text such as &lt;img onerror&gt; is fine,
  // and so is text inside a quoted attribute value, where &quot; cannot end the quote).
  expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/href="(?!https?:|mailto:)/i);
}

describe('renderMarkdown', () => {
  it('renders ordinary Markdown', () => {
    const html = renderMarkdown('# Two sum\n\nGiven `nums`, return **indices**.\n\n- one\n- two\n\n```py\nprint(1)\n```\n');
    expect(html).toContain('<h1>Two sum</h1>');
    expect(html).toContain('<code>nums</code>');
    expect(html).toContain('<strong>indices</strong>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<pre><code class="language-py">print(1)\n</code></pre>');
    expectHarmless(html);
  });

  it('escapes a script tag instead of emitting it', () => {
    const html = renderMarkdown('Hello <script>alert(1)</script> world');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expectHarmless(html);
  });

  it('escapes an img with an onerror handler, inline and as a raw HTML block', () => {
    for (const source of ['text <img src=x onerror="alert(1)">', '<img src=x onerror=alert(1)>\n\nnext paragraph']) {
      const html = renderMarkdown(source);
      expect(html).toContain('&lt;img src=x onerror=');
      expectHarmless(html);
    }
  });

  it('escapes raw HTML blocks of every kind', () => {
    const source = [
      '<div onclick="steal()">block</div>',
      '',
      '<iframe src="https://evil.example"></iframe>',
      '',
      '<style>body{display:none}</style>',
      '',
      '<!-- comment --><svg onload=alert(1)>',
      '',
      '<a href="javascript:alert(1)">raw link</a>',
    ].join('\n');
    const html = renderMarkdown(source);
    expect(html).toContain('&lt;div onclick=');
    expect(html).toContain('&lt;iframe');
    expect(html).toContain('&lt;svg onload=alert(1)&gt;');
    expectHarmless(html);
  });

  it('refuses javascript:, data:, vbscript: and file: links, however they are spelt, leaving their text', () => {
    const sources = [
      '[x](javascript:alert(1))',
      '[x](JavaScript:alert(1))',
      '[x]( javascript:alert(1) )',
      '[x](jav&#x09;ascript:alert(1))',
      '[x](java%0Ascript:alert(1))',
      '[x](&#106;avascript:alert(1))',
      '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '[x](vbscript:msgbox(1))',
      '[x](file:///etc/passwd)',
      '<javascript:alert(1)>',
      '[x][ref]\n\n[ref]: javascript:alert(1)',
    ];
    for (const source of sources) {
      const html = renderMarkdown(source);
      expect(html, source).not.toContain('<a ');
      expect(html.toLowerCase()).not.toMatch(/href=/);
      expectHarmless(html);
    }
  });

  it('keeps http, https and mailto links, opening them in a new tab without a handle on the room', () => {
    const html = renderMarkdown('[docs](https://docs.python.org/3/) [plain](http://example.com) [mail](mailto:hr@example.com) https://auto.example.com');
    expect(html).toContain('<a href="https://docs.python.org/3/" target="_blank" rel="noopener noreferrer nofollow">docs</a>');
    expect(html).toContain('href="http://example.com"');
    expect(html).toContain('href="mailto:hr@example.com"');
    expect(html).toContain('href="https://auto.example.com"');
    expectHarmless(html);
  });

  it('renders no images, not even from https', () => {
    const html = renderMarkdown('![tracker](https://evil.example/pixel.png) ![x](javascript:alert(1))');
    expect(html).not.toContain('<img');
    expectHarmless(html);
  });

  it('escapes attribute breakouts in link titles and texts', () => {
    const html = renderMarkdown('[a"b](https://example.com "t\\" onmouseover=\\"alert(1)")');
    expect(html).toContain('title="t&quot; onmouseover=&quot;alert(1)"');
    expectHarmless(html);
  });
});

describe('isSafeLink', () => {
  it.each([
    ['https://example.com', true],
    ['HTTP://EXAMPLE.COM', true],
    ['mailto:a@b.c', true],
    ['javascript:alert(1)', false],
    ['data:text/html,x', false],
    ['/relative', false],
    ['//evil.example', false],
    ['#anchor', false],
    ['', false],
  ])('%s → %s', (url, safe) => {
    expect(isSafeLink(url)).toBe(safe);
  });
});
