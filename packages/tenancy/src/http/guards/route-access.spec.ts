import { Controller, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Public, RequirePermission } from '../decorators/access.decorators.js';
import { pathHasOrganisationParam, routeAccess } from './route-access.js';

@Controller()
class Sample {
  @Get() @Public() open(): void {}
  @Get() plain(): void {}
  @Get() @RequirePermission('companies:read') scoped(): void {}
}

@Public()
@Controller()
class AllPublic {
  @Get() any(): void {}
}

const reflector = new Reflector();
const access = (cls: object, name: string, orgParam: boolean) =>
  routeAccess(
    reflector,
    [
      (cls as Record<string, () => void>)[name] as () => void,
      (cls as { constructor: () => void }).constructor,
    ],
    orgParam,
  );

describe('routeAccess', () => {
  const sample = Sample.prototype;
  it('classifies public, authenticated and organisation routes', () => {
    expect(access(sample, 'open', false)).toEqual({ kind: 'public' });
    expect(access(sample, 'plain', false)).toEqual({ kind: 'authenticated' });
    expect(access(sample, 'scoped', true)).toEqual({
      kind: 'organisation',
      permission: 'companies:read',
    });
    expect(access(AllPublic.prototype, 'any', false)).toEqual({ kind: 'public' });
  });

  it('flags an organisation route without a permission, and the reverse', () => {
    expect(access(sample, 'plain', true)).toMatchObject({ kind: 'misconfigured' });
    expect(access(sample, 'scoped', false)).toMatchObject({ kind: 'misconfigured' });
    expect(access(sample, 'open', true)).toMatchObject({ kind: 'misconfigured' });
  });

  it('detects the organisation parameter in a path', () => {
    expect(pathHasOrganisationParam('/organisations/:organisationId')).toBe(true);
    expect(pathHasOrganisationParam('/organisations/:organisationId/companies/:id')).toBe(true);
    expect(pathHasOrganisationParam('/organisations')).toBe(false);
    expect(pathHasOrganisationParam('/organisations/:organisationIdX')).toBe(false);
  });
});
