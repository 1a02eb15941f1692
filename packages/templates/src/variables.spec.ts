import { TEMPLATE_VARIABLE_NAMES, buildVariables, isTemplateVariable } from './variables.js';

describe('buildVariables', () => {
  it('maps the rows to every catalogue variable', () => {
    const values = buildVariables({
      person: { firstName: 'Camille', lastName: 'Durand' },
      position: { title: 'CEO', email: 'camille@example.fr' },
      company: {
        name: 'Acme',
        city: 'Lyon',
        domain: 'acme.fr',
        websiteUrl: 'https://acme.fr',
        nafCode: '62.01Z',
      },
      mailbox: { displayName: 'Alice', emailAddress: 'alice@acme.fr' },
      unsubscribeUrl: 'https://t.example/u/x',
    });
    expect(Object.keys(values).sort()).toEqual([...TEMPLATE_VARIABLE_NAMES].sort());
    expect(values['person.full_name']).toBe('Camille Durand');
    expect(values['company.website_url']).toBe('https://acme.fr');
    expect(values['sender.email']).toBe('alice@acme.fr');
  });

  it('leaves absent and blank values null', () => {
    const values = buildVariables({ person: { firstName: null, lastName: 'Durand' } });
    expect(values['person.first_name']).toBeNull();
    expect(values['person.full_name']).toBe('Durand');
    expect(values['company.name']).toBeNull();
    expect(buildVariables({})['person.full_name']).toBeNull();
  });

  it('knows the catalogue names only', () => {
    expect(isTemplateVariable('person.first_name')).toBe(true);
    expect(isTemplateVariable('person')).toBe(false);
    expect(isTemplateVariable('toString')).toBe(false);
  });
});
