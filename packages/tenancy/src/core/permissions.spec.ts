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

  it('lets viewers read everything and write nothing', () => {
    for (const permission of PERMISSIONS) {
      expect(roleHasPermission('viewer', permission)).toBe(permission.endsWith(':read'));
    }
  });

  it('has a row for every role', () => {
    expect([...ORGANISATION_ROLES]).toEqual(['owner', 'admin', 'member', 'viewer']);
  });
});
