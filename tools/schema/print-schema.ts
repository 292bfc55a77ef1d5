// `npm run schema:print`: writes the API's generated GraphQL schema to apps/api/schema.gql.
// The schema test fails when the committed file and the code disagree.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigOrExit } from '@app/config';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { createApiApp } from '@api/bootstrap';

async function main(): Promise<void> {
  const app = await createApiApp({ ...loadConfigOrExit(), logLevel: 'error' });
  await app.init();
  const sdl = printSchema(lexicographicSortSchema(app.get(GraphQLSchemaHost).schema));
  writeFileSync(join(__dirname, '..', '..', 'apps', 'api', 'schema.gql'), `${sdl}\n`);
  await app.close();
  process.stdout.write('wrote apps/api/schema.gql\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
