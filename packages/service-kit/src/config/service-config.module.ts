import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, registerAs } from '@nestjs/config';
import { SERVICE_CONFIG, type ServiceConfig } from './service-config.js';

/**
 * Makes the app's validated config available everywhere: as the typed `SERVICE_CONFIG`
 * provider, and through @nestjs/config's `ConfigService` under the `service` namespace.
 * The object is parsed once before the app is created (see `parseConfig`), so a bad
 * environment stops start-up before anything connects.
 */
@Module({})
export class ServiceConfigModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    const namespace = registerAs('service', () => ({ ...config }));
    return {
      module: ServiceConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          ignoreEnvVars: true,
          load: [namespace],
        }),
      ],
      providers: [{ provide: SERVICE_CONFIG, useValue: config }],
      exports: [SERVICE_CONFIG],
    };
  }
}
