import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { validationProblem, type FieldProblem } from '@mnc/stage-runtime';
import { ApiClientGuard, type AuthenticatedRequest } from '../auth/api-client.guard';
import { assertUuid } from '../applications.controller';
import { deliveryView, webhookView, WebhooksService } from './webhooks.service';

/** https anywhere; plain http only to this machine (development and tests). */
function urlProblem(value: unknown): FieldProblem | undefined {
  const problem = (code: string, message: string) => ({ field: 'url', code, message: `url ${message}` });
  if (typeof value !== 'string')
    return problem(value === undefined ? 'REQUIRED' : 'NOT_A_STRING', 'is required');
  if (value.length > 2000) return problem('TOO_LONG', 'is too long');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return problem('URL', 'must be an absolute URL');
  }
  if (url.username || url.password) return problem('URL_CREDENTIALS', 'must not carry credentials');
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    return problem('URL_SCHEME', 'must use https (http only to localhost)');
  }
  return undefined;
}

@Controller('v1/webhooks')
@UseGuards(ApiClientGuard)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** Registers a webhook for status changes of one municipality's applications; answers the secret once. */
  @Post()
  @HttpCode(201)
  async register(@Req() request: AuthenticatedRequest, @Body() body: unknown) {
    const input =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : {};
    const errors: FieldProblem[] = [];
    const url = urlProblem(input['url']);
    if (url) errors.push(url);
    const code = input['municipalityCode'];
    if (typeof code !== 'string' || !(/^[0-9]{6}$/.test(code) || code === '*')) {
      errors.push({
        field: 'municipalityCode',
        code: code === undefined ? 'REQUIRED' : 'FORMAT',
        message: 'municipalityCode must be 6 digits (or * for a national client)',
      });
    }
    if (errors.length > 0) throw validationProblem(errors);
    return this.webhooks.register(request.apiClient, input['url'] as string, code as string);
  }

  @Get()
  async list(@Req() request: AuthenticatedRequest) {
    return { items: (await this.webhooks.list(request.apiClient)).map(webhookView) };
  }

  @Delete(':id')
  @HttpCode(204)
  async disable(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<void> {
    assertUuid(id, 'path.id');
    await this.webhooks.disable(request.apiClient, id);
  }

  /** The delivery log: every delivery with its attempts, last answer and state. */
  @Get(':id/deliveries')
  async deliveries(
    @Req() request: AuthenticatedRequest,
    @Param('id') id: string,
    @Query('limit') limit?: string,
  ) {
    assertUuid(id, 'path.id');
    const size = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 500) {
      throw validationProblem([
        { field: 'query.limit', code: 'RANGE', message: 'query.limit must be an integer from 1 to 500' },
      ]);
    }
    return { items: (await this.webhooks.deliveries(request.apiClient, id, size)).map(deliveryView) };
  }
}
