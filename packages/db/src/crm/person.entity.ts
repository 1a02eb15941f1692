import { Entity } from 'typeorm';
import { TextColumn } from '../columns.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';

/** crm.people: a prospect (no e-mail here: addresses belong to positions). */
@Entity({ schema: 'crm', name: 'people' })
export class Person extends MutableTenantEntity {
  @TextColumn('first_name', { maxLength: 100, nullable: true })
  firstName!: string | null;

  @TextColumn('last_name', { maxLength: 100, nullable: true })
  lastName!: string | null;

  @TextColumn('linkedin_url', { maxLength: 2048, nullable: true })
  linkedinUrl!: string | null;

  @TextColumn('pharow_person_id', { maxLength: 100, nullable: true })
  pharowPersonId!: string | null;

  @TextColumn('city', { maxLength: 100, nullable: true })
  city!: string | null;

  @TextColumn('country', { nullable: true })
  country!: string | null;

  /** IANA time zone name (sending windows in the prospect's time). */
  @TextColumn('timezone', { nullable: true })
  timezone!: string | null;
}
