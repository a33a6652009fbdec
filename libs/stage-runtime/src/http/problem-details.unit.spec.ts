import { BadRequestException, HttpException, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProblemDetailsFilter, ProblemError, validationProblem } from './problem-details';

const TYPE_BASE = 'https://mynumbercard-pipeline.example/problems/';

/** Just what the filter uses of an express response, recording what was sent. */
class FakeResponse {
  statusCode?: number;
  contentType?: string;
  body?: Record<string, unknown>;
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  type(value: string): this {
    this.contentType = value;
    return this;
  }
  send(body: Record<string, unknown>): this {
    this.body = body;
    return this;
  }
}

function render(
  exception: unknown,
  onUnexpected: (error: unknown, request: Request) => void = () => undefined,
) {
  const request = { method: 'POST', originalUrl: '/v1/applications?x=1' } as Request;
  const response = new FakeResponse();
  const host = {
    switchToHttp: () => ({
      getRequest: <T>() => request as T,
      getResponse: <T>() => response as unknown as Response as T,
      getNext: () => undefined,
    }),
  } as unknown as ArgumentsHost;
  new ProblemDetailsFilter(onUnexpected).catch(exception, host);
  return { response, request };
}

describe('ProblemDetailsFilter', () => {
  describe('given a ProblemError', () => {
    const problem = () =>
      new ProblemError(
        409,
        'open-application-exists',
        'An application is already open for this person',
        'Only one application per person can be open at a time.',
        [{ field: 'applicant.myNumber', code: 'OPEN', message: 'has an open application' }],
        { openApplication: '/v1/applications/0193' },
      );

    it('then the response has its status and the problem+json media type', () => {
      const { response } = render(problem());
      expect(response.statusCode).toBe(409);
      expect(response.contentType).toBe('application/problem+json');
    });

    it('then the body holds type, title, status, detail, errors, extensions and instance', () => {
      expect(render(problem()).response.body).toEqual({
        type: `${TYPE_BASE}open-application-exists`,
        title: 'An application is already open for this person',
        status: 409,
        detail: 'Only one application per person can be open at a time.',
        errors: [{ field: 'applicant.myNumber', code: 'OPEN', message: 'has an open application' }],
        openApplication: '/v1/applications/0193',
        instance: '/v1/applications?x=1',
      });
    });

    it('when it has no detail and no errors, then neither member is present', () => {
      const body = render(new ProblemError(404, 'not-found', 'Application not found')).response.body;
      expect(body).not.toHaveProperty('detail');
      expect(body).not.toHaveProperty('errors');
    });

    it('when an extension is named like a standard member, then it does not override it', () => {
      const body = render(
        new ProblemError(422, 'x', 'X', undefined, [], {
          status: 200,
          type: 'about:blank',
          title: 'ok',
          instance: '/elsewhere',
        }),
      ).response.body;
      expect(body).toMatchObject({
        status: 422,
        type: `${TYPE_BASE}x`,
        title: 'X',
        instance: '/v1/applications?x=1',
      });
    });

    it('does not report it as unexpected', () => {
      const onUnexpected = jest.fn();
      render(problem(), onUnexpected);
      expect(onUnexpected).not.toHaveBeenCalled();
    });
  });

  it('given validationProblem, then a 422 validation-error with the field errors', () => {
    const errors = [{ field: 'route', code: 'ONE_OF', message: 'route is not one of the allowed values' }];
    const { response } = render(validationProblem(errors));
    expect(response.statusCode).toBe(422);
    expect(response.body).toMatchObject({
      type: `${TYPE_BASE}validation-error`,
      title: 'Invalid request',
      status: 422,
      errors,
    });
  });

  describe('given an HttpException', () => {
    it('when it is a 404, then the not-found type, the reason phrase and the message as detail', () => {
      const { response } = render(new NotFoundException('Cannot GET /nowhere'));
      expect(response.statusCode).toBe(404);
      expect(response.contentType).toBe('application/problem+json');
      expect(response.body).toEqual({
        type: `${TYPE_BASE}not-found`,
        title: 'Not Found',
        status: 404,
        detail: 'Cannot GET /nowhere',
        instance: '/v1/applications?x=1',
      });
    });

    it('when it carries several messages, then they are joined into the detail', () => {
      const body = render(new BadRequestException(['a is wrong', 'b is missing'])).response.body;
      expect(body).toMatchObject({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'a is wrong; b is missing',
      });
    });

    it('when its response is a string, then that string is the detail', () => {
      expect(render(new HttpException('slow down', 429)).response.body).toMatchObject({
        title: 'Too Many Requests',
        status: 429,
        detail: 'slow down',
      });
    });

    it('when its status has no reason phrase, then the title is Error', () => {
      expect(render(new HttpException('odd', 599)).response.body).toMatchObject({
        title: 'Error',
        status: 599,
      });
    });
  });

  describe('given an unknown error', () => {
    const internal = () => new Error('connection to postgres://mnc:s3cret@db failed at /srv/app/dist/x.js:1');

    it('then a 500 problem that says nothing about the error', () => {
      const { response } = render(internal());
      expect(response.statusCode).toBe(500);
      expect(response.contentType).toBe('application/problem+json');
      expect(response.body).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        instance: '/v1/applications?x=1',
      });
    });

    it('then onUnexpected gets the error and the request', () => {
      const onUnexpected = jest.fn();
      const error = internal();
      const { request } = render(error, onUnexpected);
      expect(onUnexpected).toHaveBeenCalledWith(error, request);
    });

    it('when it is not even an Error, then it is still a 500', () => {
      expect(render('a string was thrown').response.statusCode).toBe(500);
    });

    it('when onUnexpected itself throws, then the 500 is still sent', () => {
      const { response } = render(internal(), () => {
        throw new Error('logger down');
      });
      expect(response.statusCode).toBe(500);
    });
  });
});
