import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { join } from 'node:path';
import { openApiDocument } from './openapi';

// swagger-ui-dist (a dependency of @nestjs/swagger) serves the page's script and styles.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const swaggerUiDir = (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Intake API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#ui' });</script></body></html>`;

/** The OpenAPI document (generated) and a Swagger UI page over it; no key needed to read the docs. */
@Controller('docs')
export class DocsController {
  private readonly document = openApiDocument();

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('openapi.json')
  openApi(): Record<string, unknown> {
    return this.document;
  }

  @Get(['swagger-ui.css', 'swagger-ui-bundle.js'])
  asset(@Res() response: Response): void {
    const name = response.req.path.endsWith('.css') ? 'swagger-ui.css' : 'swagger-ui-bundle.js';
    response.sendFile(join(swaggerUiDir, name));
  }
}
