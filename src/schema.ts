import 'reflect-metadata';
import { Type } from '@nestjs/common';
import { ENTRY_PROVIDER_WATERMARK } from '@nestjs/common/constants';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';
import { FEATURE_MODULES } from './app.module';

/**
 * Emits the code-first schema without starting the service (no database):
 * `npm run schema` writes schema.gql; `npm run schema -- --check` fails when
 * the committed file differs from what the code emits.
 */
async function emitSchema(): Promise<void> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  await app.init();
  const schema = await app.get(GraphQLSchemaFactory).create(resolversOf(FEATURE_MODULES));
  const sdl = printSchema(lexicographicSortSchema(schema)) + '\n';
  const file = 'schema.gql';
  if (process.argv.includes('--check')) {
    if (readFileSync(file, 'utf8') !== sdl) {
      console.error(`${file} differs from the schema the code emits: run \`npm run build && npm run schema\` and commit it`);
      process.exit(1);
    }
    console.log(`${file} matches the code`);
  } else {
    writeFileSync(file, sdl);
    console.log(`wrote ${file}`);
  }
  await app.close();
}

/** Every class provided by the given modules (and the modules they import) that @Resolver() marked as an entry provider. */
function resolversOf(modules: unknown[]): Type[] {
  const found = new Set<Type>();
  const seen = new Set<unknown>();
  const visit = (module: unknown) => {
    if (seen.has(module)) return;
    seen.add(module);
    for (const provider of (Reflect.getMetadata('providers', module as object) ?? []) as unknown[]) {
      if (typeof provider === 'function' && Reflect.getMetadata(ENTRY_PROVIDER_WATERMARK, provider) === true) found.add(provider as Type);
    }
    for (const imported of (Reflect.getMetadata('imports', module as object) ?? []) as unknown[]) visit(imported);
  };
  modules.forEach(visit);
  return [...found];
}

emitSchema().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
