import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { RestModule } from './rest.module';

export const OPENAPI_PATH = '/v1/openapi.json';

/** The OpenAPI document of the REST face (RestModule's controllers only). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Credit Alliance: bank REST API')
    .setDescription(
      "For banks' core systems. Every read needs the company's active consent for the calling bank, states a purpose, and is recorded as an inquiry the company sees. Authenticate with the bank's API key.",
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'the bank\'s API key (or "Authorization: ApiKey <key>")' }, 'apiKey')
    .build();
  return SwaggerModule.createDocument(app, config, { include: [RestModule] });
}

/** Serves the document at /v1/openapi.json; call before the app listens. */
export function mountOpenApi(app: INestApplication): void {
  let document: OpenAPIObject | null = null;
  app
    .getHttpAdapter()
    .get(OPENAPI_PATH, (_request: unknown, reply: { header(name: string, value: string): unknown; send(body: unknown): unknown }) => {
      document ??= openApiDocument(app);
      reply.header('content-type', 'application/json; charset=utf-8');
      reply.send(JSON.stringify(document));
    });
}
