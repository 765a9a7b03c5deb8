import {
  type DynamicModule,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type OptionalFactoryDependency,
  type Provider,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdempotencyInterceptor } from './interceptor.js';
import { type NestIdempotencyOptions, ONCELY_OPTIONS } from './options.js';

export interface OncelyModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Makes the options, e.g. with the store from a provider: `(redis) => ({ store: ... })`. */
  useFactory: (...args: never[]) => NestIdempotencyOptions | Promise<NestIdempotencyOptions>;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
}

/**
 * Idempotency keys for a Nest app: import it once, in the root module. It installs
 * `IdempotencyInterceptor` for every route (global); `@Idempotent()` and `routes` decide which
 * handlers use keys.
 */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with static factories
export class OncelyModule {
  static forRoot(options: NestIdempotencyOptions): DynamicModule {
    return OncelyModule.with({ provide: ONCELY_OPTIONS, useValue: options });
  }

  static forRootAsync(options: OncelyModuleAsyncOptions): DynamicModule {
    const { useFactory, inject = [], imports = [] } = options;
    return {
      ...OncelyModule.with({ provide: ONCELY_OPTIONS, useFactory, inject }),
      imports,
    };
  }

  private static with(provider: Provider): DynamicModule {
    return {
      module: OncelyModule,
      global: true,
      providers: [
        provider,
        IdempotencyInterceptor,
        { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
      ],
      exports: [ONCELY_OPTIONS, IdempotencyInterceptor],
    };
  }
}
