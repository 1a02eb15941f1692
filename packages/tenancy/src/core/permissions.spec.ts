import { ORGANISATION_ROLES, PERMISSIONS, roleHasPermission } from './permissions.js';

describe('role → permission table', () => {
  it('gives owners and admins every permission', () => {
    for (const permission of PERMISSIONS) {
      expect(roleHasPermission('owner', permission)).toBe(true);
      expect(roleHasPermission('admin', permission)).toBe(true);
    }
  });

  it('lets members write the CRM but not the organisation or its members', () => {
    expect(roleHasPermission('member', 'companies:write')).toBe(true);
    expect(roleHasPermission('member', 'positions:write')).toBe(true);
    expect(roleHasPermission('member', 'members:write')).toBe(false);
    expect(roleHasPermission('member', 'organisation:write')).toBe(false);
  });

  it('lets members build and run campaigns and imports, but only admins manage delivery', () => {
    for (const permission of ['campaigns:write', 'prompts:write', 'imports:write'] as const) {
      expect(roleHasPermission('member', permission)).toBe(true);
    }
    for (const permission of ['mailboxes:write', 'suppressions:write'] as const) {
      expect(roleHasPermission('member', permission)).toBe(false);
      expect(roleHasPermission('admin', permission)).toBe(true);
    }
    expect(roleHasPermission('member', 'mailboxes:read')).toBe(true);
  });

  it('lets viewers read everything and write nothing', () => {
    for (const permission of PERMISSIONS) {
      expect(roleHasPermission('viewer', permission)).toBe(permission.endsWith(':read'));
    }
  });

  it('has a row for every role', () => {
    expect([...ORGANISATION_ROLES]).toEqual(['owner', 'admin', 'member', 'viewer']);
  });
});
