import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import type { Permission } from '../../core/permissions.js';

/** A plain string so that packages without this dependency (service-kit's health) can set it. */
export const IS_PUBLIC_KEY = 'outreach:public';
export const PERMISSION_KEY = 'outreach:tenancy:permission';

/** The route needs no token (health, docs). Everything else requires authentication. */
export const Public = (): CustomDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * The route acts on `/organisations/:organisationId/...` and needs this permission of the
 * caller's role there (see ROLE_PERMISSIONS). An organisation route without it is refused.
 */
export const RequirePermission = (permission: Permission): CustomDecorator =>
  SetMetadata(PERMISSION_KEY, permission);
