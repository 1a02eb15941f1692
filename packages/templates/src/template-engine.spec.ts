import { TemplateError, analyse, render, textToHtml } from './template-engine.js';
import { buildVariables } from './variables.js';

const values = buildVariables({
  person: { firstName: 'Camille', lastName: 'Durand' },
  position: { title: 'CEO', email: 'camille@example.fr' },
  company: {
    name: 'Dupont & <Fils>',
    city: 'Lyon',
    domain: 'example.fr',
    websiteUrl: null,
    nafCode: '62.01Z',
  },
  mailbox: { displayName: 'Alice Martin', emailAddress: 'alice@acme.fr' },
  unsubscribeUrl: 'https://t.example/u/abc',
});

describe('analyse', () => {
  it('lists the variables a template reads, unknown ones apart', () => {
    expect(
      analyse('Bonjour {{ person.first_name }}, {{ company.name | upcase }} {{ person.age }}'),
    ).toEqual({
      ok: true,
      variables: ['person.first_name', 'person.age', 'company.name'],
      unknown: ['person.age'],
    });
  });

  it('reads variables inside tags and filters, not the template’s own assignments', () => {
    const analysis = analyse(
      '{% assign greeting = "Bonjour" %}{% if position.title %}{{ greeting }} {{ position.title }}{% endif %}{{ sender.name | default: sender.email }}',
    );
    expect(analysis).toEqual({
      ok: true,
      variables: ['position.title', 'sender.name', 'sender.email'],
      unknown: [],
    });
  });

  it('calls a bare object or an unknown root unknown', () => {
    const analysis = analyse('{{ person }} {{ prospect.first_name }} {{ unsubscribe_url }}');
    expect(analysis.ok && analysis.unknown).toEqual(['person', 'prospect.first_name']);
  });

  it('gives the line and column of a syntax error', () => {
    expect(analyse('Bonjour,\n\n{{ person.first_name ')).toEqual({
      ok: false,
      error: {
        message: expect.stringMatching(/output .* not closed/) as unknown,
        line: 3,
        column: 1,
      },
    });
    const tag = analyse('Hello\n  {% if person.first_name %}yes');
    expect(tag.ok).toBe(false);
    expect(!tag.ok && [tag.error.line, tag.error.column]).toEqual([2, 3]);
    expect(!tag.ok && tag.error.message).toMatch(/not closed/);
  });

  it('refuses unknown filters and file tags', () => {
    const filter = analyse('{{ person.first_name | shout }}');
    expect(!filter.ok && filter.error.message).toMatch(/undefined filter: shout/);
    const include = analyse('x {% include "secrets" %}');
    expect(include.ok).toBe(false);
    expect(!include.ok && include.error).toMatchObject({ line: 1, column: 3 });
  });
});

describe('render', () => {
  it('renders the prospect’s values as plain text', () => {
    expect(
      render('Bonjour {{ person.first_name }} de {{ company.name }} ({{ company.city }})', values),
    ).toEqual({ output: 'Bonjour Camille de Dupont & <Fils> (Lyon)', missing: [] });
  });

  it('lists the variables the prospect has no value for', () => {
    const partial = buildVariables({ person: { firstName: ' ', lastName: 'Durand' } });
    expect(
      render('Bonjour {{ person.first_name }} {{ person.last_name }} {{ company.name }}', partial),
    ).toEqual({ output: 'Bonjour  Durand ', missing: ['person.first_name', 'company.name'] });
  });

  it('keeps a subject on one line', () => {
    const tricky = { ...values, 'company.name': 'Acme\r\nBcc: victim@example.fr' };
    expect(render('  Pour {{ company.name }}\n', tricky, 'subject').output).toBe(
      'Pour Acme Bcc: victim@example.fr',
    );
  });

  it('refuses a broken or unknown template', () => {
    expect(() => render('{{ person.first_name', values)).toThrow(TemplateError);
    expect(() => render('{{ person.first_name', values)).toThrow(/^line 1, column 1: /);
    expect(() => render('{{ person.age }}', values)).toThrow('unknown variables: person.age');
  });

  it('renders a template parsed once for every prospect with that prospect’s own values', () => {
    const template = 'Bonjour {% if person.first_name %}{{ person.first_name }}{% endif %} !';
    const first = analyse(template);
    if (!first.ok) throw new Error('the template should parse');
    first.variables.push('changed by a caller');
    expect(analyse(template)).toEqual({ ok: true, variables: ['person.first_name'], unknown: [] });
    const names = ['Camille', 'Léa', null, 'Hugo'];
    expect(
      names.map((name) => render(template, { ...values, 'person.first_name': name }).output),
    ).toEqual(['Bonjour Camille !', 'Bonjour Léa !', 'Bonjour  !', 'Bonjour Hugo !']);
  });
});

describe('textToHtml', () => {
  it('escapes everything and keeps paragraphs and line breaks', () => {
    expect(textToHtml('Bonjour <b>&\n"toi"\n\nA bientôt')).toBe(
      '<p>Bonjour &lt;b&gt;&amp;<br>\n&quot;toi&quot;</p>\n<p>A bientôt</p>',
    );
  });
});
