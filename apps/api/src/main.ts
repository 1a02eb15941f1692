import 'reflect-metadata';
import { runHttpService } from '@outreach/service-kit/http';
import { apiService } from './api.definition.js';

// The only place the api reads the environment.
await runHttpService(apiService, process.env);
