import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pathHasOrganisationParam, routeAccess, type RouteAccess } from '@outreach/tenancy/http';

export interface RouteEntry {
  method: string;
  path: string;
  access: RouteAccess;
}

function join(...parts: (string | undefined)[]): string {
  const path = parts
    .flatMap((part) => (part ?? '').split('/'))
    .filter((segment) => segment !== '')
    .join('/');
  return `/${path}`;
}

/**
 * Every HTTP route of the app, read from Nest's own metadata (the controllers the router mounts),
 * with how tenancy protects it: the same classification the guards apply at run time.
 */
export function routeInventory(app: NestFastifyApplication): RouteEntry[] {
  const reflector = app.get(Reflector);
  const routes: RouteEntry[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype;
      if (!controller) continue;
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        const full = join(base, path);
        routes.push({
          method: RequestMethod[method],
          path: full,
          access: routeAccess(reflector, [handler, controller], pathHasOrganisationParam(full)),
        });
      }
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/** `organisation:companies:write`, `public`, `authenticated`, or `MISCONFIGURED: …`. */
export function describeAccess(access: RouteAccess): string {
  switch (access.kind) {
    case 'organisation':
      return `organisation:${access.permission}`;
    case 'misconfigured':
      return `MISCONFIGURED: ${access.reason}`;
    default:
      return access.kind;
  }
}
