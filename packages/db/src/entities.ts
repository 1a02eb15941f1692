import { Company } from './crm/company.entity.js';
import { Person } from './crm/person.entity.js';
import { Position } from './crm/position.entity.js';
import { Organisation } from './iam/organisation.entity.js';
import { OrganisationUser } from './iam/organisation-user.entity.js';
import { User } from './iam/user.entity.js';

/** Every entity of the four schemas (the DataSource loads this list; the drift test walks it). */
export const ENTITIES = [Organisation, User, OrganisationUser, Company, Person, Position] as const;
