import { describe, expect, it } from 'vitest';
import { renderInvitation, renderRevocation } from '../../../shared/app/emails.js';

const LINK = 'https://subs.example/api/activate?partner=contoso&assignment=a-1&token=tok_-123';

const invitation = (overrides: Partial<Parameters<typeof renderInvitation>[0]> = {}) =>
  renderInvitation({
    partnerName: 'Contoso Ltd',
    benefitName: 'Visual Studio Professional',
    firstName: 'Grace',
    activationUrl: LINK,
    expiresAt: '2025-04-09T12:00:00.000Z',
    ...overrides,
  });

const revocation = (overrides: Partial<Parameters<typeof renderRevocation>[0]> = {}) =>
  renderRevocation({
    partnerName: 'Contoso Ltd',
    benefitName: 'Visual Studio Enterprise',
    firstName: 'Grace',
    ...overrides,
  });

describe('renderInvitation', () => {
  it('names the partner and the subscription level in the subject', () => {
    expect(invitation().subject).toBe('Contoso Ltd has given you a Visual Studio Professional subscription');
  });

  it('names the partner, the level, the person and the activation link in the HTML', () => {
    const { html } = invitation();
    expect(html).toContain('Hello Grace,');
    expect(html).toContain('Contoso Ltd has assigned you a <strong>Visual Studio Professional</strong>');
    expect(html).toContain(
      '<a href="https://subs.example/api/activate?partner=contoso&amp;assignment=a-1&amp;token=tok_-123">',
    );
    expect(html).toContain('expires on 2025-04-09');
  });

  it('names the partner, the level, the person, the raw link and the expiry date in the plain text', () => {
    const { plainText } = invitation();
    expect(plainText).toContain('Hello Grace,');
    expect(plainText).toContain('Contoso Ltd has assigned you a Visual Studio Professional subscription.');
    expect(plainText).toContain(`Activate it here: ${LINK}`);
    expect(plainText).toContain('expires on 2025-04-09');
    expect(plainText).not.toContain('&amp;');
  });

  it('escapes a script tag and quotes in the partner name and first name in the HTML', () => {
    const { html } = invitation({
      partnerName: `Evil <script>alert("p")</script> 'Corp'`,
      firstName: `<img src=x onerror="alert('f')">`,
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"alert');
    expect(html).toContain('Evil &lt;script&gt;alert(&quot;p&quot;)&lt;/script&gt; &#39;Corp&#39;');
    expect(html).toContain('Hello &lt;img src=x onerror=&quot;alert(&#39;f&#39;)&quot;&gt;,');
    // The subject is also the HTML title: escaped there too.
    expect(html).toContain(
      '<title>Evil &lt;script&gt;alert(&quot;p&quot;)&lt;/script&gt; &#39;Corp&#39; has',
    );
  });

  it('cannot break out of the href attribute with a quote in the link', () => {
    const { html } = invitation({ activationUrl: 'https://subs.example/a?x="><script>y</script>' });
    expect(html).toContain('href="https://subs.example/a?x=&quot;&gt;&lt;script&gt;y&lt;/script&gt;"');
    expect(html).not.toContain('<script>');
  });

  it.each([
    ['CR LF', 'Contoso\r\nBcc: victim@example.com'],
    ['LF', 'Contoso\nBcc: victim@example.com'],
    ['CR', 'Contoso\rBcc: victim@example.com'],
  ])('keeps the subject on one line when the partner name has %s', (_label, partnerName) => {
    const { subject } = invitation({ partnerName });
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toBe(
      'Contoso Bcc: victim@example.com has given you a Visual Studio Professional subscription',
    );
  });
});

describe('renderRevocation', () => {
  it('names the partner and the level in subject, HTML and plain text', () => {
    const { subject, html, plainText } = revocation();
    expect(subject).toBe('Your Visual Studio Enterprise subscription from Contoso Ltd has ended');
    expect(html).toContain(
      'Contoso Ltd has ended your <strong>Visual Studio Enterprise</strong> subscription.',
    );
    expect(html).toContain('Hello Grace,');
    expect(plainText).toContain('Contoso Ltd has ended your Visual Studio Enterprise subscription.');
    expect(plainText).toContain('Hello Grace,');
  });

  it('carries no activation link', () => {
    const { html, plainText } = revocation();
    expect(html).not.toContain('href=');
    expect(plainText).not.toContain('http');
  });

  it('escapes the partner name and first name in the HTML', () => {
    const { html } = revocation({ partnerName: '<b>"Evil"</b>', firstName: "<script>x('y')</script>" });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;b&gt;&quot;Evil&quot;&lt;/b&gt; has ended');
    expect(html).toContain('Hello &lt;script&gt;x(&#39;y&#39;)&lt;/script&gt;,');
  });

  it('keeps the subject on one line when the partner name has CR/LF', () => {
    const { subject } = revocation({ partnerName: 'Contoso\r\nLtd' });
    expect(subject).toBe('Your Visual Studio Enterprise subscription from Contoso Ltd has ended');
  });
});
