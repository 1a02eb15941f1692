import { mergeKeys, sharesMergeKeys, type ProspectRecord } from './prospect-merge.repository.js';

function record(
  company: Partial<ProspectRecord['company']>,
  person: Partial<ProspectRecord['person']>,
  email: string,
): { rowNumber: number; record: ProspectRecord } {
  return {
    rowNumber: 1,
    record: {
      company: {
        pharowId: null,
        name: 'Acme',
        siren: null,
        nafCode: null,
        websiteUrl: null,
        domain: null,
        linkedinUrl: null,
        employeeRange: null,
        addressLine1: null,
        postalCode: null,
        city: null,
        country: 'FR',
        ...company,
      },
      person: {
        pharowId: null,
        firstName: 'Ada',
        lastName: null,
        linkedinUrl: null,
        city: null,
        ...person,
      },
      position: {
        title: null,
        email,
        emailStatus: 'valid',
        emailReliability: null,
        listName: null,
      },
    },
  };
}

describe('mergeKeys / sharesMergeKeys: whether two import batches may merge at once', () => {
  const first = mergeKeys([
    record(
      { pharowId: 'c-1', siren: '732829320', domain: 'acme.fr' },
      { pharowId: 'p-1' },
      'ada@acme.fr',
    ),
  ]);

  it.each([
    ['the same company Pharow id', record({ pharowId: 'c-1' }, {}, 'x@other.fr')],
    ['the same SIREN', record({ siren: '732829320' }, {}, 'x@other.fr')],
    ['the same domain, in another case', record({ domain: 'ACME.fr' }, {}, 'x@other.fr')],
    ['the same person Pharow id', record({}, { pharowId: 'p-1' }, 'x@other.fr')],
    ['the same e-mail, in another case', record({}, {}, 'Ada@ACME.fr')],
  ])('shares a key with a batch holding %s', (_what, other) => {
    expect(sharesMergeKeys(first, mergeKeys([other]))).toBe(true);
    expect(sharesMergeKeys(mergeKeys([other]), first)).toBe(true);
  });

  it('shares nothing with a batch of other companies, people and e-mails', () => {
    const other = mergeKeys([
      record(
        { pharowId: 'c-2', siren: '552100554', domain: 'other.fr', name: 'Acme' },
        { pharowId: 'p-2', linkedinUrl: 'https://www.linkedin.com/in/ada' },
        'ada@other.fr',
      ),
    ]);
    expect(sharesMergeKeys(first, other)).toBe(false);
    // The same LinkedIn URL on both sides is a shared key (people match on it).
    const linkedin = mergeKeys([
      record({}, { linkedinUrl: 'https://www.linkedin.com/in/ada' }, 'b@x.fr'),
    ]);
    expect(sharesMergeKeys(other, linkedin)).toBe(true);
  });
});
