import 'reflect-metadata';
import { runHttpService } from '@outreach/service-kit/http';
import { trackerService } from './tracker.definition.js';

// The only place the tracker reads the environment.
await runHttpService(trackerService, process.env);
